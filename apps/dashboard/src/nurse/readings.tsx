import { useState, type FormEvent } from 'react';
import { StoredReadingSchema, type StoredReading } from '@tm/contracts';
import { z } from 'zod';
import { formatDateTime, formatNumber, measureName, unitText, type Language, type MessageKey } from '../i18n';
import { query } from '../shared/api';
import { Loaded } from '../shared/components';
import { useLiveEvents, useResource, useSession, type Session } from '../shared/context';
import { useCanWrite } from './care-work';
import './care-pages.css';

const DAY = 86_400_000;
/** How far back the record's reading list reaches; the report covers any period. */
const LIST_DAYS = 14;

/** A reading's values as a clinician reads them: "Iltmætning 84 %, Puls 80 /min". */
export function readingValues(language: Language, r: StoredReading): string {
  return r.components.map((c) => `${measureName(language, c.code)} ${formatNumber(language, c.value)} ${unitText(c.unit)}`).join(', ');
}

export const SOURCE_KEYS: Record<StoredReading['source'], MessageKey> = { gateway: 'source.gateway', patient: 'source.patient', clinician: 'source.clinician' };

/** "Markeret som forkert af nurse 7.12.2026 10:05: …" */
export function invalidationText(t: Session['t'], language: Language, r: StoredReading): string {
  return r.invalidatedAt === null ? '' : t('readings.invalidated', { by: r.invalidatedBy ?? '', at: formatDateTime(language, r.invalidatedAt), reason: r.invalidationReason ?? '' });
}

function InvalidateForm({ patientId, reading, onDone }: { patientId: string; reading: StoredReading; onDone: (invalidated: boolean) => void }) {
  const { api, t } = useSession();
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const id = `invalidate-${reading.measurementId}`;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim() === '') return setError(t('readings.reasonRequired'));
    setBusy(true);
    try {
      await api.send('POST', `/api/patients/${encodeURIComponent(patientId)}/observations/${encodeURIComponent(reading.measurementId)}/invalidate`, { reason }, StoredReadingSchema);
      onDone(true);
    } catch (err) {
      setError(t('readings.failed', { reason: (err as Error).message }));
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <div className="form-field">
        <label htmlFor={id}>{t('readings.reason')}</label>
        <textarea id={id} rows={2} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} aria-describedby={`${id}-error`} autoFocus />
      </div>
      <p id={`${id}-error`} role="alert" className="form-error">
        {error}
      </p>
      <button type="submit" disabled={busy}>
        {t('readings.confirm')}
      </button>{' '}
      <button type="button" className="secondary" onClick={() => onDone(false)}>
        {t('readings.cancel')}
      </button>
    </form>
  );
}

/**
 * The readings of the last 14 days, newest first, with where each came from. A nurse or home care
 * can mark one as wrong (with a reason): it leaves trends and rules, and stays here struck through
 * with who and why.
 */
export function RecentReadings({ patientId }: { patientId: string }) {
  const { api, t, language } = useSession();
  const canWrite = useCanWrite();
  const [asking, setAsking] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [readings, reload] = useResource(() => {
    const to = new Date(Date.now() + 60_000);
    return api.get(`/api/patients/${encodeURIComponent(patientId)}/readings${query({ from: new Date(to.getTime() - LIST_DAYS * DAY).toISOString(), to: to.toISOString() })}`, z.array(StoredReadingSchema));
  }, [api, patientId]);
  useLiveEvents((e) => e.type === 'observation' && e.event.patientId === patientId && reload());
  return (
    <div data-testid="recent-readings">
      <p role="status" aria-live="polite">
        {status}
      </p>
      <Loaded resource={readings} retry={reload}>
        {(list) =>
          list.length === 0 ? (
            <p>{t('readings.none')}</p>
          ) : (
            <ul className="reading-list">
              {list.map((r) => {
                const values = readingValues(language, r);
                const invalid = r.invalidatedAt !== null;
                return (
                  <li key={r.measurementId} className="reading" data-testid={`reading-${r.measurementId}`}>
                    <p>
                      <time dateTime={r.measuredAt}>{formatDateTime(language, r.measuredAt)}</time> · <span className="muted">{t(SOURCE_KEYS[r.source])}</span>
                    </p>
                    {invalid ? (
                      <p>
                        <del className="reading-values invalid">{values}</del>
                      </p>
                    ) : (
                      <p className="reading-values">{values}</p>
                    )}
                    {invalid && <p className="invalidation">{invalidationText(t, language, r)}</p>}
                    {canWrite && !invalid && asking !== r.measurementId && (
                      <button type="button" className="secondary" onClick={() => setAsking(r.measurementId)}>
                        {t('readings.invalidate')}
                        <span className="visually-hidden"> {values}</span>
                      </button>
                    )}
                    {asking === r.measurementId && (
                      <InvalidateForm
                        patientId={patientId}
                        reading={r}
                        onDone={(invalidated) => {
                          setAsking(null);
                          if (!invalidated) return;
                          setStatus(t('readings.invalidatedDone'));
                          reload();
                        }}
                      />
                    )}
                  </li>
                );
              })}
            </ul>
          )
        }
      </Loaded>
    </div>
  );
}
