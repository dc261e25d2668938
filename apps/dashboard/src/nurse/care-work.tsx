import { useEffect, useRef, useState } from 'react';
import { CareNoteSchema, ContactsSchema, MessageSchema, type CareNoteKind, type Contacts, type Relative } from '@tm/contracts';
import { z } from 'zod';
import { Loaded } from '../shared/components';
import { useLiveEvents, useResource, useSession } from '../shared/context';
import { formatDateTime, type Language } from '../i18n';
import { Thread } from '../patient/messages-page';
import { ReadingForm } from '../patient/reading-form';

/**
 * The care team's daily work on one patient (ARCHITECTURE §12): the message thread with reply,
 * a reading taken on the phone or on a visit, the shared record of notes, calls, visits and video,
 * and who to call. Hospital nurses and home care both write; an admin reads.
 */

const TEXT = {
  da: {
    messages: 'Beskeder',
    reply: 'Svar patienten',
    send: 'Send svar',
    sent: 'Svaret er sendt.',
    failed: 'Ikke sendt: {reason}',
    required: 'Skriv et svar først.',
    markedRead: 'Patientens beskeder er markeret som læst.',
    proxy: 'Registrér måling',
    proxyIntro: 'En måling du har taget i hjemmet eller fået oplyst i telefonen. Den vurderes som målinger fra patientens udstyr.',
    notes: 'Notater, opkald og besøg',
    noNotes: 'Ingen notater endnu.',
    kind: 'Type',
    kinds: { note: 'Notat', call: 'Opkald', visit: 'Besøg', video: 'Videokonsultation' },
    text: 'Hvad skete der?',
    outcome: 'Udfald (valgfrit)',
    addNote: 'Gem i journalen',
    noteSaved: 'Gemt.',
    contacts: 'Kontakter',
    phone: 'Patientens telefon',
    relatives: 'Pårørende',
    noRelatives: 'Ingen pårørende registreret.',
    consent: 'må kontaktes',
    noConsent: 'må ikke kontaktes',
    gp: 'Egen læge',
    none: 'Ikke oplyst',
    edit: 'Ret kontakter',
    save: 'Gem kontakter',
    cancel: 'Fortryd',
    relName: 'Pårørendes navn',
    relRelation: 'Relation',
    relPhone: 'Pårørendes telefon',
    relConsent: 'Patienten har givet samtykke til, at vi kontakter den pårørende',
    gpName: 'Lægens navn',
    gpPhone: 'Lægens telefon',
    updated: 'Senest ændret af {by} {at}',
  },
  en: {
    messages: 'Messages',
    reply: 'Reply to the patient',
    send: 'Send reply',
    sent: 'The reply has been sent.',
    failed: 'Not sent: {reason}',
    required: 'Write a reply first.',
    markedRead: 'The patient’s messages are marked as read.',
    proxy: 'Record a reading',
    proxyIntro: 'A reading you took in the home or were told on the phone. It is triaged as readings from the patient’s devices are.',
    notes: 'Notes, calls and visits',
    noNotes: 'No notes yet.',
    kind: 'Kind',
    kinds: { note: 'Note', call: 'Call', visit: 'Visit', video: 'Video consultation' },
    text: 'What happened?',
    outcome: 'Outcome (optional)',
    addNote: 'Save to the record',
    noteSaved: 'Saved.',
    contacts: 'Contacts',
    phone: 'Patient’s phone',
    relatives: 'Relatives',
    noRelatives: 'No relatives recorded.',
    consent: 'may be contacted',
    noConsent: 'may not be contacted',
    gp: 'General practitioner',
    none: 'Not given',
    edit: 'Edit contacts',
    save: 'Save contacts',
    cancel: 'Cancel',
    relName: 'Relative’s name',
    relRelation: 'Relation',
    relPhone: 'Relative’s phone',
    relConsent: 'The patient has agreed that we may contact this relative',
    gpName: 'Doctor’s name',
    gpPhone: 'Doctor’s phone',
    updated: 'Last changed by {by} {at}',
  },
} as const;

const textOf = (language: Language) => TEXT[language === 'en' ? 'en' : 'da'];
const base = (patientId: string) => `/api/patients/${encodeURIComponent(patientId)}`;

/** Nurses and home care write; an admin only reads. */
export function useCanWrite(): boolean {
  const { user } = useSession();
  return user.role === 'nurse' || user.role === 'homecare';
}

/** The thread with reply. Showing it to a clinician marks the patient's messages read (the board's yellow goes). */
export function PatientMessages({ patientId }: { patientId: string }) {
  const { api, language } = useSession();
  const text = textOf(language);
  const canWrite = useCanWrite();
  const [thread, reload] = useResource(() => api.get(`${base(patientId)}/messages`, z.array(MessageSchema)), [api, patientId]);
  const [draft, setDraft] = useState('');
  const [status, setStatus] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // a new message from the patient arrives as its alert: show it, and it has been seen
  useLiveEvents((e) => e.type === 'alert' && e.event.patientId === patientId && e.event.rule === 'patient-message' && e.event.status === 'open' && reload());
  const unread = thread.status === 'ok' ? thread.data.filter((m) => m.direction === 'from_patient' && m.readAt === null).length : 0;
  const marking = useRef(false);
  useEffect(() => {
    if (!canWrite || unread === 0 || marking.current) return;
    marking.current = true;
    void api
      .send('POST', `${base(patientId)}/messages/read`, {}, z.object({ read: z.number() }))
      .then(() => setStatus({ error: false, text: text.markedRead }))
      .catch(() => undefined)
      .finally(() => {
        marking.current = false;
      });
  }, [api, patientId, unread, canWrite, text.markedRead]);

  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    if (draft.trim() === '') return setStatus({ error: true, text: text.required });
    setBusy(true);
    try {
      await api.send('POST', `${base(patientId)}/messages`, { text: draft }, MessageSchema);
      setDraft('');
      setStatus({ error: false, text: text.sent });
      reload();
    } catch (error) {
      setStatus({ error: true, text: text.failed.replace('{reason}', (error as Error).message) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="patient-messages">
      <Loaded resource={thread} retry={reload}>
        {(messages) => <Thread messages={messages} ownDirection="to_patient" language={language} />}
      </Loaded>
      {canWrite && (
        <form className="message-form" onSubmit={(e) => void send(e)} noValidate>
          <label htmlFor={`reply-${patientId}`}>{text.reply}</label>
          <textarea id={`reply-${patientId}`} rows={3} maxLength={4000} value={draft} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit" disabled={busy}>
            {text.send}
          </button>
        </form>
      )}
      <p role="status" aria-live="polite" className={status?.error ? 'form-error' : undefined}>
        {status?.text ?? ''}
      </p>
    </div>
  );
}

/** "Registrér måling": a proxy reading, through the same triage as the devices'. */
export function ProxyReading({ patientId }: { patientId: string }) {
  const { language } = useSession();
  if (!useCanWrite()) return null;
  return (
    <div data-testid="proxy-reading">
      <p>{textOf(language).proxyIntro}</p>
      <ReadingForm path={`${base(patientId)}/observations`} idPrefix={`proxy-${patientId}`} headingLevel={3} />
    </div>
  );
}

/** The shared record: newest first, with author and time; a form to add an entry. */
export function CareNotes({ patientId }: { patientId: string }) {
  const { api, language } = useSession();
  const text = textOf(language);
  const canWrite = useCanWrite();
  const [notes, reload] = useResource(() => api.get(`${base(patientId)}/notes`, z.array(CareNoteSchema)), [api, patientId]);
  const [kind, setKind] = useState<CareNoteKind>('note');
  const [body, setBody] = useState('');
  const [outcome, setOutcome] = useState('');
  const [status, setStatus] = useState<{ error: boolean; text: string } | null>(null);
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (body.trim() === '') return setStatus({ error: true, text: text.text });
    try {
      await api.send('POST', `${base(patientId)}/notes`, { kind, text: body, ...(outcome.trim() ? { outcome } : {}) }, CareNoteSchema);
      setBody('');
      setOutcome('');
      setStatus({ error: false, text: text.noteSaved });
      reload();
    } catch (error) {
      setStatus({ error: true, text: text.failed.replace('{reason}', (error as Error).message) });
    }
  };
  return (
    <div data-testid="care-notes">
      {canWrite && (
        <form className="note-form" onSubmit={(e) => void save(e)} noValidate>
          <div className="form-field">
            <label htmlFor={`note-kind-${patientId}`}>{text.kind}</label>
            <select id={`note-kind-${patientId}`} value={kind} onChange={(e) => setKind(e.target.value as CareNoteKind)}>
              {(Object.keys(text.kinds) as CareNoteKind[]).map((k) => (
                <option key={k} value={k}>
                  {text.kinds[k]}
                </option>
              ))}
            </select>
          </div>
          <div className="form-field">
            <label htmlFor={`note-text-${patientId}`}>{text.text}</label>
            <textarea id={`note-text-${patientId}`} rows={3} value={body} onChange={(e) => setBody(e.target.value)} />
          </div>
          <div className="form-field">
            <label htmlFor={`note-outcome-${patientId}`}>{text.outcome}</label>
            <input id={`note-outcome-${patientId}`} value={outcome} onChange={(e) => setOutcome(e.target.value)} />
          </div>
          <button type="submit">{text.addNote}</button>
          <p role="status" aria-live="polite" className={status?.error ? 'form-error' : undefined}>
            {status?.text ?? ''}
          </p>
        </form>
      )}
      <Loaded resource={notes} retry={reload}>
        {(list) =>
          list.length === 0 ? (
            <p>{text.noNotes}</p>
          ) : (
            <ol className="note-list" data-testid="note-list">
              {list.map((n) => (
                <li key={n.id} className="note">
                  <p className="message-meta">
                    <strong>{text.kinds[n.kind]}</strong> · {n.authorName} · {formatDateTime(language, n.createdAt)}
                  </p>
                  <p className="message-text">{n.text}</p>
                  {n.outcome && <p className="muted">{n.outcome}</p>}
                </li>
              ))}
            </ol>
          )
        }
      </Loaded>
    </div>
  );
}

const telHref = (phone: string) => `tel:${phone.replace(/[^+0-9]/g, '')}`;

/** The patient's phone, relatives (with their consent) and GP; editable by nurses and home care. */
export function PatientContacts({ patientId }: { patientId: string }) {
  const { api, language } = useSession();
  const text = textOf(language);
  const canWrite = useCanWrite();
  const [contacts, reload] = useResource(() => api.get(`${base(patientId)}/contacts`, ContactsSchema), [api, patientId]);
  const [editing, setEditing] = useState(false);
  return (
    <div data-testid="patient-contacts">
      <Loaded resource={contacts} retry={reload}>
        {(c) =>
          editing ? (
            <ContactsEditor
              contacts={c}
              patientId={patientId}
              onDone={(saved) => {
                setEditing(false);
                if (saved) reload();
              }}
            />
          ) : (
            <>
              <dl className="contact-facts">
                <dt>{text.phone}</dt>
                <dd>{c.phone ? <a href={telHref(c.phone)}>{c.phone}</a> : text.none}</dd>
                <dt>{text.relatives}</dt>
                <dd>
                  {c.relatives.length === 0 ? (
                    text.noRelatives
                  ) : (
                    <ul>
                      {c.relatives.map((r, i) => (
                        <li key={i}>
                          {r.name}
                          {r.relation ? ` (${r.relation})` : ''}: <a href={telHref(r.phone)}>{r.phone}</a> — {r.consentToContact ? text.consent : text.noConsent}
                        </li>
                      ))}
                    </ul>
                  )}
                </dd>
                <dt>{text.gp}</dt>
                <dd>
                  {c.gp ? (
                    <>
                      {c.gp.name}
                      {c.gp.phone && (
                        <>
                          {': '}
                          <a href={telHref(c.gp.phone)}>{c.gp.phone}</a>
                        </>
                      )}
                    </>
                  ) : (
                    text.none
                  )}
                </dd>
              </dl>
              {c.updatedAt && <p className="muted">{text.updated.replace('{by}', c.updatedBy ?? '').replace('{at}', formatDateTime(language, c.updatedAt))}</p>}
              {canWrite && (
                <button type="button" className="secondary" onClick={() => setEditing(true)}>
                  {text.edit}
                </button>
              )}
            </>
          )
        }
      </Loaded>
    </div>
  );
}

function ContactsEditor({ contacts, patientId, onDone }: { contacts: Contacts; patientId: string; onDone: (saved: boolean) => void }) {
  const { api, language } = useSession();
  const text = textOf(language);
  const [phone, setPhone] = useState(contacts.phone ?? '');
  const first: Relative | undefined = contacts.relatives[0];
  const [relName, setRelName] = useState(first?.name ?? '');
  const [relRelation, setRelRelation] = useState(first?.relation ?? '');
  const [relPhone, setRelPhone] = useState(first?.phone ?? '');
  const [relConsent, setRelConsent] = useState(first?.consentToContact ?? false);
  const [gpName, setGpName] = useState(contacts.gp?.name ?? '');
  const [gpPhone, setGpPhone] = useState(contacts.gp?.phone ?? '');
  const [error, setError] = useState('');
  const id = (name: string) => `contacts-${patientId}-${name}`;
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    const relative = relName.trim() ? [{ name: relName, ...(relRelation.trim() ? { relation: relRelation } : {}), phone: relPhone, consentToContact: relConsent }] : [];
    const body = { phone: phone.trim() || null, relatives: [...relative, ...contacts.relatives.slice(1)], gp: gpName.trim() ? { name: gpName, ...(gpPhone.trim() ? { phone: gpPhone } : {}) } : null };
    try {
      await api.send('PUT', `${base(patientId)}/contacts`, body, ContactsSchema);
      onDone(true);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const field = (name: string, label: string, value: string, set: (v: string) => void, type = 'text') => (
    <div className="form-field">
      <label htmlFor={id(name)}>{label}</label>
      <input id={id(name)} type={type} value={value} onChange={(e) => set(e.target.value)} />
    </div>
  );
  return (
    <form onSubmit={(e) => void save(e)} noValidate>
      {field('phone', text.phone, phone, setPhone, 'tel')}
      {field('rel-name', text.relName, relName, setRelName)}
      {field('rel-relation', text.relRelation, relRelation, setRelRelation)}
      {field('rel-phone', text.relPhone, relPhone, setRelPhone, 'tel')}
      <div className="form-field">
        <label>
          <input type="checkbox" checked={relConsent} onChange={(e) => setRelConsent(e.target.checked)} /> {text.relConsent}
        </label>
      </div>
      {field('gp-name', text.gpName, gpName, setGpName)}
      {field('gp-phone', text.gpPhone, gpPhone, setGpPhone, 'tel')}
      <p role="alert" className="form-error">
        {error}
      </p>
      <button type="submit">{text.save}</button>{' '}
      <button type="button" className="secondary" onClick={() => onDone(false)}>
        {text.cancel}
      </button>
    </form>
  );
}

/** The four sections the patient record shows, each with its own heading. */
export function CareWorkSections({ patientId }: { patientId: string }) {
  const { language } = useSession();
  const text = textOf(language);
  return (
    <>
      <section aria-labelledby="messages-heading">
        <h2 id="messages-heading">{text.messages}</h2>
        <PatientMessages patientId={patientId} />
      </section>
      {useCanWrite() && (
        <section aria-labelledby="proxy-heading">
          <h2 id="proxy-heading">{text.proxy}</h2>
          <ProxyReading patientId={patientId} />
        </section>
      )}
      <section aria-labelledby="notes-heading">
        <h2 id="notes-heading">{text.notes}</h2>
        <CareNotes patientId={patientId} />
      </section>
      <section aria-labelledby="contacts-heading">
        <h2 id="contacts-heading">{text.contacts}</h2>
        <PatientContacts patientId={patientId} />
      </section>
    </>
  );
}
