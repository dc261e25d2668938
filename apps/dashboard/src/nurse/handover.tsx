import { useState, type FormEvent } from 'react';
import { HANDOVER_DEFAULT_HOURS, HandoverSchema, type Alert, type CareNote, type HandoverPatient } from '@tm/contracts';
import { formatDateTime } from '../i18n';
import { query } from '../shared/api';
import { Loaded } from '../shared/components';
import { useResource, useSession } from '../shared/context';
import { href } from '../shared/routes';
import { alertText } from './alert-text';
import { SeverityBadge } from './triage-badge';
import './care-pages.css';

/** A local date and time as a `datetime-local` input shows it (minutes). */
function localInput(at: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

const shiftStart = (now: Date): string => localInput(new Date(now.getTime() - HANDOVER_DEFAULT_HOURS * 3_600_000));

/** One entry of the care record: kind, author and time, the text and the outcome. */
export function NoteEntry({ note }: { note: CareNote }) {
  const { t, language } = useSession();
  return (
    <>
      <p className="message-meta">
        <strong>{t('note.byAt', { kind: t(`note.kind.${note.kind}`), by: note.authorName, at: formatDateTime(language, note.createdAt) })}</strong>
      </p>
      <p className="message-text">{note.text}</p>
      {note.outcome !== null && <p className="muted">{note.outcome}</p>}
    </>
  );
}

function OpenAlert({ alert }: { alert: Alert }) {
  const { t, language } = useSession();
  return (
    <li className="handover-alert">
      <SeverityBadge severity={alert.severity} /> {alertText(alert, language)} <span className="muted">{t('handover.raisedAt', { at: formatDateTime(language, alert.raisedAt) })}</span>
      <br />
      {alert.acknowledgedAt !== null ? t('handover.acknowledgedBy', { by: alert.acknowledgedBy ?? '', at: formatDateTime(language, alert.acknowledgedAt) }) : t('handover.notAcknowledged')}
      {alert.acknowledgeNote !== null && <span className="handover-note">{t('handover.ackNote', { note: alert.acknowledgeNote })}</span>}
    </li>
  );
}

function PatientHandover({ patient, since }: { patient: HandoverPatient; since: string }) {
  const { t, language } = useSession();
  const headingId = `handover-${patient.patientId}`;
  const sinceText = formatDateTime(language, since);
  return (
    <article className="handover-patient" aria-labelledby={headingId} data-testid={`handover-${patient.patientId}`}>
      <h2 id={headingId}>
        <a href={href({ page: 'patient', patientId: patient.patientId })}>
          {patient.patientId} {patient.displayName}
        </a>{' '}
        <span className="subtle">{patient.programme}</span>
      </h2>
      <h3>{t('handover.openAlerts')}</h3>
      {patient.openAlerts.length === 0 ? (
        <p>{t('handover.noOpenAlerts')}</p>
      ) : (
        <ul className="handover-list">
          {patient.openAlerts.map((a) => (
            <OpenAlert key={a.id} alert={a} />
          ))}
        </ul>
      )}
      {patient.resolvedAlerts.length > 0 && <p>{t('handover.resolved', { count: patient.resolvedAlerts.length, since: sinceText })}</p>}
      {patient.messages.length > 0 && (
        <>
          <h3>{t('handover.messages')}</h3>
          <ul className="handover-list">
            {patient.messages.map((m) => (
              <li key={m.id}>
                <p className="message-meta">{formatDateTime(language, m.sentAt)}</p>
                <p className="message-text">{m.text}</p>
              </li>
            ))}
          </ul>
        </>
      )}
      {patient.notes.length > 0 ? (
        <>
          <h3>{t('handover.notes', { since: sinceText })}</h3>
          <ul className="handover-list">
            {patient.notes.map((n) => (
              <li key={n.id}>
                <NoteEntry note={n} />
              </li>
            ))}
          </ul>
        </>
      ) : (
        patient.lastNote !== null && (
          <>
            <h3>{t('handover.lastNote')}</h3>
            <NoteEntry note={patient.lastNote} />
          </>
        )
      )}
    </article>
  );
}

/**
 * The handover between shifts (issue 18): for every patient of the user's care teams, the open
 * alerts with their note, and what came in or was written since a time (default: the last 8 hours).
 */
export function HandoverPage() {
  const { api, t, language } = useSession();
  const [draft, setDraft] = useState(() => shiftStart(new Date()));
  const [since, setSince] = useState<string | undefined>(undefined);
  const [error, setError] = useState('');
  const [handover, reload] = useResource(() => api.get(`/api/handover${query({ since })}`, HandoverSchema), [api, since]);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const at = new Date(draft);
    if (Number.isNaN(at.getTime()) || at.getTime() > Date.now() || at.getTime() < Date.now() - 7 * 86_400_000) return setError(t('handover.badSince'));
    setError('');
    setSince(at.toISOString());
  };
  return (
    <>
      <h1>{t('handover.heading')}</h1>
      <p>{t('handover.intro')}</p>
      <form className="toolbar period-form" onSubmit={submit} noValidate>
        <div className="form-field">
          <label htmlFor="handover-since">{t('handover.since')}</label>
          <input id="handover-since" type="datetime-local" value={draft} onChange={(e) => setDraft(e.target.value)} aria-describedby={error ? 'handover-since-error' : undefined} />
        </div>
        <button type="submit">{t('handover.show')}</button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setDraft(shiftStart(new Date()));
            setError('');
            setSince(undefined);
          }}
        >
          {t('handover.lastShift')}
        </button>
      </form>
      <p id="handover-since-error" role="alert" className="form-error">
        {error}
      </p>
      <Loaded resource={handover} retry={reload}>
        {(h) => {
          const sinceText = formatDateTime(language, h.since);
          return (
            <>
              <p role="status" data-testid="handover-summary">
                {h.patients.length === 0 ? t('handover.none', { since: sinceText }) : t('handover.summary', { count: h.patients.length, since: sinceText })}
              </p>
              {h.patients.map((p) => (
                <PatientHandover key={p.patientId} patient={p} since={h.since} />
              ))}
            </>
          );
        }}
      </Loaded>
    </>
  );
}
