import { useCallback, useEffect, useState } from 'react';
import { CLINIC_TIME_ZONE, MessageSchema, type Message } from '@tm/contracts';
import { z } from 'zod';
import { useSession } from '../shared/context';
import type { Language } from '../i18n';
import { friendlyDateTime } from './format';

/** The thread's wording, Danish first (kept beside the page: it is this page's alone). */
export const MESSAGES_TEXT = {
  da: {
    title: 'Skriv til os',
    intro: 'Her kan du skrive til sygeplejerskerne og hjemmeplejen. Vi læser beskeder i dagtimerne på hverdage. Haster det, så ring.',
    urgent: 'Er det akut, så ring 112. Uden for dagtid: ring 1813.',
    label: 'Din besked',
    send: 'Send besked',
    sending: 'Sender …',
    sent: 'Din besked er sendt.',
    empty: 'Der er ingen beskeder endnu.',
    you: 'Dig',
    read: 'Læst',
    unread: 'Ikke læst endnu',
    failed: 'Beskeden blev ikke sendt: {reason}. Prøv igen, eller ring til os.',
    required: 'Skriv en besked først.',
    loadFailed: 'Beskederne kunne ikke hentes. Prøv igen senere.',
  },
  en: {
    title: 'Write to us',
    intro: 'Here you can write to the nurses and home care. We read messages during the day on weekdays. If it is urgent, call.',
    urgent: 'In an emergency call 112. Outside daytime hours: call 1813.',
    label: 'Your message',
    send: 'Send message',
    sending: 'Sending …',
    sent: 'Your message has been sent.',
    empty: 'There are no messages yet.',
    you: 'You',
    read: 'Read',
    unread: 'Not read yet',
    failed: 'The message was not sent: {reason}. Try again, or call us.',
    required: 'Write a message first.',
    loadFailed: 'The messages could not be loaded. Try again later.',
  },
} as const;

export const messagesText = (language: Language) => MESSAGES_TEXT[language === 'en' ? 'en' : 'da'];

/** A message id made in the browser, so sending again after a lost answer stores it once. */
export const newId = (): string => (typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);

/** The thread, oldest first, each message with who wrote it and when. */
export function Thread({ messages, ownDirection, language }: { messages: readonly Message[]; ownDirection: Message['direction']; language: Language }) {
  const text = messagesText(language);
  if (messages.length === 0) return <p data-testid="thread-empty">{text.empty}</p>;
  return (
    <ol className="message-thread" data-testid="message-thread">
      {messages.map((m) => {
        const own = m.direction === ownDirection;
        return (
          <li key={m.id} className={own ? 'message own' : 'message'}>
            <p className="message-meta">
              <strong>{own && ownDirection === 'from_patient' ? text.you : m.authorName}</strong> · {friendlyDateTime(language, m.sentAt, new Date(), CLINIC_TIME_ZONE)}
              {own && <span className="muted"> · {m.readAt ? text.read : text.unread}</span>}
            </p>
            <p className="message-text">{m.text}</p>
          </li>
        );
      })}
    </ol>
  );
}

export function MessagesPage() {
  const { api, language } = useSession();
  const text = messagesText(language);
  const [messages, setMessages] = useState<Message[] | null>(null);
  const [loadError, setLoadError] = useState(false);
  const [draft, setDraft] = useState('');
  const [pendingId, setPendingId] = useState<string | null>(null);
  const [status, setStatus] = useState<{ kind: 'sent' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setMessages(await api.get('/api/me/messages', z.array(MessageSchema)));
      setLoadError(false);
    } catch {
      setLoadError(true);
    }
  }, [api]);
  useEffect(() => void load(), [load]);

  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    if (draft.trim() === '') {
      setStatus({ kind: 'error', text: text.required });
      return;
    }
    // the same id for every try of this draft: a resend after a lost answer is stored once
    const id = pendingId ?? newId();
    setPendingId(id);
    setBusy(true);
    try {
      await api.send('POST', '/api/me/messages', { id, text: draft }, MessageSchema);
      setDraft('');
      setPendingId(null);
      setStatus({ kind: 'sent', text: text.sent });
      await load();
    } catch (error) {
      setStatus({ kind: 'error', text: text.failed.replace('{reason}', (error as Error).message) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>{text.title}</h1>
      <p>{text.intro}</p>
      <p className="me-banner">{text.urgent}</p>
      {loadError && <p className="me-banner me-banner-error">{text.loadFailed}</p>}
      {messages && <Thread messages={messages} ownDirection="from_patient" language={language} />}
      <form className="message-form" onSubmit={(e) => void send(e)} noValidate>
        <label htmlFor="message-draft">{text.label}</label>
        <textarea
          id="message-draft"
          rows={4}
          maxLength={4000}
          value={draft}
          onChange={(e) => {
            setDraft(e.target.value);
            setPendingId(null);
          }}
          aria-describedby={status?.kind === 'error' ? 'message-status' : undefined}
        />
        <button type="submit" disabled={busy}>
          {busy ? text.sending : text.send}
        </button>
      </form>
      <p id="message-status" role="status" aria-live="polite" className={status?.kind === 'error' ? 'form-error' : undefined} data-testid="message-status">
        {status?.text ?? ''}
      </p>
    </>
  );
}
