import { useEffect, useRef, useState } from 'react';
import { CareNoteKindSchema, CareNoteSchema, ContactsSchema, MessageSchema, type CareNoteKind, type Contacts, type Relative } from '@tm/contracts';
import { z } from 'zod';
import { Loaded } from '../shared/components';
import { useLiveEvents, useResource, useSession } from '../shared/context';
import { formatDateTime } from '../i18n';
import { Thread } from '../patient/messages-page';
import { ReadingForm } from '../patient/reading-form';

/**
 * The care team's daily work on one patient (ARCHITECTURE §12): the message thread with reply,
 * a reading taken on the phone or on a visit, the shared record of notes, calls, visits and video,
 * and who to call. Hospital nurses and home care both write; an admin reads.
 */


const base = (patientId: string) => `/api/patients/${encodeURIComponent(patientId)}`;

/** Nurses and home care write; an admin only reads. */
export function useCanWrite(): boolean {
  const { user } = useSession();
  return user.role === 'nurse' || user.role === 'homecare';
}

/** The thread with reply. Showing it to a clinician marks the patient's messages read (the board's yellow goes). */
export function PatientMessages({ patientId }: { patientId: string }) {
  const { api, language, t } = useSession();
  const canWrite = useCanWrite();
  const [thread, reload] = useResource(() => api.get(`${base(patientId)}/messages`, z.array(MessageSchema)), [api, patientId]);
  const [draft, setDraft] = useState('');
  const [status, setStatus] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // a new message from the patient arrives as its alert: show it, and it has been seen
  useLiveEvents((e) => e.type === 'alert' && e.event.patientId === patientId && e.event.rule === 'patient-message' && e.event.status === 'open' && reload());
  const unread = thread.status === 'ok' ? thread.data.filter((m) => m.direction === 'from_patient' && m.readAt === null).length : 0;
  const marking = useRef(false);
  const markedRead = t('care.markedRead');
  useEffect(() => {
    if (!canWrite || unread === 0 || marking.current) return;
    marking.current = true;
    void api
      .send('POST', `${base(patientId)}/messages/read`, {}, z.object({ read: z.number() }))
      .then(() => setStatus({ error: false, text: markedRead }))
      .catch(() => undefined)
      .finally(() => {
        marking.current = false;
      });
  }, [api, patientId, unread, canWrite, markedRead]);

  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    if (draft.trim() === '') return setStatus({ error: true, text: t('care.required') });
    setBusy(true);
    try {
      await api.send('POST', `${base(patientId)}/messages`, { text: draft }, MessageSchema);
      setDraft('');
      setStatus({ error: false, text: t('care.sent') });
      reload();
    } catch (error) {
      setStatus({ error: true, text: t('care.failed', { reason: (error as Error).message }) });
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
          <label htmlFor={`reply-${patientId}`}>{t('care.reply')}</label>
          <textarea id={`reply-${patientId}`} rows={3} maxLength={4000} value={draft} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit" disabled={busy}>
            {t('care.send')}
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
  const { t } = useSession();
  if (!useCanWrite()) return null;
  return (
    <div data-testid="proxy-reading">
      <p>{t('care.proxyIntro')}</p>
      <ReadingForm path={`${base(patientId)}/observations`} idPrefix={`proxy-${patientId}`} headingLevel={3} />
    </div>
  );
}

/** The shared record: newest first, with author and time; a form to add an entry. */
export function CareNotes({ patientId }: { patientId: string }) {
  const { api, language, t } = useSession();
  const canWrite = useCanWrite();
  const [notes, reload] = useResource(() => api.get(`${base(patientId)}/notes`, z.array(CareNoteSchema)), [api, patientId]);
  const [kind, setKind] = useState<CareNoteKind>('note');
  const [body, setBody] = useState('');
  const [outcome, setOutcome] = useState('');
  const [status, setStatus] = useState<{ error: boolean; text: string } | null>(null);
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (body.trim() === '') return setStatus({ error: true, text: t('care.text') });
    try {
      await api.send('POST', `${base(patientId)}/notes`, { kind, text: body, ...(outcome.trim() ? { outcome } : {}) }, CareNoteSchema);
      setBody('');
      setOutcome('');
      setStatus({ error: false, text: t('care.noteSaved') });
      reload();
    } catch (error) {
      setStatus({ error: true, text: t('care.failed', { reason: (error as Error).message }) });
    }
  };
  return (
    <div data-testid="care-notes">
      {canWrite && (
        <form className="note-form" onSubmit={(e) => void save(e)} noValidate>
          <div className="form-field">
            <label htmlFor={`note-kind-${patientId}`}>{t('care.kind')}</label>
            <select id={`note-kind-${patientId}`} value={kind} onChange={(e) => setKind(e.target.value as CareNoteKind)}>
              {CareNoteKindSchema.options.map((k) => (
                <option key={k} value={k}>
                  {t(`note.kind.${k}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="form-field">
            <label htmlFor={`note-text-${patientId}`}>{t('care.text')}</label>
            <textarea id={`note-text-${patientId}`} rows={3} value={body} onChange={(e) => setBody(e.target.value)} />
          </div>
          <div className="form-field">
            <label htmlFor={`note-outcome-${patientId}`}>{t('care.outcome')}</label>
            <input id={`note-outcome-${patientId}`} value={outcome} onChange={(e) => setOutcome(e.target.value)} />
          </div>
          <button type="submit">{t('care.addNote')}</button>
          <p role="status" aria-live="polite" className={status?.error ? 'form-error' : undefined}>
            {status?.text ?? ''}
          </p>
        </form>
      )}
      <Loaded resource={notes} retry={reload}>
        {(list) =>
          list.length === 0 ? (
            <p>{t('care.noNotes')}</p>
          ) : (
            <ol className="note-list" data-testid="note-list">
              {list.map((n) => (
                <li key={n.id} className="note">
                  <p className="message-meta">
                    <strong>{t(`note.kind.${n.kind}`)}</strong> · {n.authorName} · {formatDateTime(language, n.createdAt)}
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
  const { api, language, t } = useSession();
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
                <dt>{t('care.phone')}</dt>
                <dd>{c.phone ? <a href={telHref(c.phone)}>{c.phone}</a> : t('care.none')}</dd>
                <dt>{t('care.relatives')}</dt>
                <dd>
                  {c.relatives.length === 0 ? (
                    t('care.noRelatives')
                  ) : (
                    <ul>
                      {c.relatives.map((r, i) => (
                        <li key={i}>
                          {r.name}
                          {r.relation ? ` (${r.relation})` : ''}: <a href={telHref(r.phone)}>{r.phone}</a> — {r.consentToContact ? t('care.consent') : t('care.noConsent')}
                        </li>
                      ))}
                    </ul>
                  )}
                </dd>
                <dt>{t('care.gp')}</dt>
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
                    t('care.none')
                  )}
                </dd>
              </dl>
              {c.updatedAt && <p className="muted">{t('care.updated', { by: c.updatedBy ?? '', at: formatDateTime(language, c.updatedAt) })}</p>}
              {canWrite && (
                <button type="button" className="secondary" onClick={() => setEditing(true)}>
                  {t('care.edit')}
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
  const { api, t } = useSession();
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
      {field('phone', t('care.phone'), phone, setPhone, 'tel')}
      {field('rel-name', t('care.relName'), relName, setRelName)}
      {field('rel-relation', t('care.relRelation'), relRelation, setRelRelation)}
      {field('rel-phone', t('care.relPhone'), relPhone, setRelPhone, 'tel')}
      <div className="form-field">
        <label>
          <input type="checkbox" checked={relConsent} onChange={(e) => setRelConsent(e.target.checked)} /> {t('care.relConsent')}
        </label>
      </div>
      {field('gp-name', t('care.gpName'), gpName, setGpName)}
      {field('gp-phone', t('care.gpPhone'), gpPhone, setGpPhone, 'tel')}
      <p role="alert" className="form-error">
        {error}
      </p>
      <button type="submit">{t('care.save')}</button>{' '}
      <button type="button" className="secondary" onClick={() => onDone(false)}>
        {t('care.cancel')}
      </button>
    </form>
  );
}

/** The four sections the patient record shows, each with its own heading. */
export function CareWorkSections({ patientId }: { patientId: string }) {
  const { t } = useSession();
  return (
    <>
      <section aria-labelledby="messages-heading">
        <h2 id="messages-heading">{t('care.messages')}</h2>
        <PatientMessages patientId={patientId} />
      </section>
      {useCanWrite() && (
        <section aria-labelledby="proxy-heading">
          <h2 id="proxy-heading">{t('care.proxy')}</h2>
          <ProxyReading patientId={patientId} />
        </section>
      )}
      <section aria-labelledby="notes-heading">
        <h2 id="notes-heading">{t('care.notes')}</h2>
        <CareNotes patientId={patientId} />
      </section>
      <section aria-labelledby="contacts-heading">
        <h2 id="contacts-heading">{t('care.contacts')}</h2>
        <PatientContacts patientId={patientId} />
      </section>
    </>
  );
}
