import { useEffect, useState } from 'react';
import { AlertSchema, AlertStatusSchema, type Alert, type AlertStatus } from '@tm/contracts';
import { z } from 'zod';
import { isForbidden, query, type Api } from '../shared/api';
import { alertText, alertValueText, ruleName, ruleShapeOf } from './alert-text';
import { alertsPageOrder, upsertAlert } from './board';
import { Field, Loaded, errorText } from '../shared/components';
import { SeverityBadge } from './triage-badge';
import { canActOnAlerts, useLiveEvents, useNow, useResource, useSession } from '../shared/context';
import { formatDateTime, measureName } from '../i18n';
import { useLiveAlerts } from './live-alerts';
import { href } from '../shared/routes';
import { AlertListSchema, PatientListSchema } from './schemas';
import { timeAgo } from '../shared/time';

export function acknowledgeAlert(api: Api, id: string, note?: string): Promise<Alert> {
  return api.send('POST', `/api/alerts/${encodeURIComponent(id)}/acknowledge`, note ? { note } : {}, AlertSchema);
}

export function resolveAlert(api: Api, id: string, note?: string): Promise<Alert> {
  return api.send('POST', `/api/alerts/${encodeURIComponent(id)}/resolve`, note ? { note } : {}, AlertSchema);
}

/** One alert with its lifecycle; nurses acknowledge or resolve it with a note, home care only reads. */
function AlertItem({ alert, onChanged, patientName }: { alert: Alert; onChanged: (a: Alert) => void; patientName: string | null | undefined }) {
  const { api, user, t, language } = useSession();
  const now = useNow();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = (action: typeof acknowledgeAlert): void => {
    setBusy(true);
    setError(null);
    action(api, alert.id, note.trim() || undefined).then(
      (updated) => {
        setBusy(false);
        setNote('');
        onChanged(updated);
      },
      (e: unknown) => {
        setBusy(false);
        setError(isForbidden(e) ? t('alert.forbidden') : errorText(e, t('app.notAvailable')));
      },
    );
  };
  const value = alertValueText(alert, language);
  const showPatient = patientName !== undefined;
  return (
    <li className={`alert-item severity-${alert.severity}${alert.escalated ? ' escalated' : ''}`} data-testid={`alert-${alert.id}`}>
      <div className="alert-head">
        <SeverityBadge severity={alert.severity} />
        {alert.escalated && <strong className="flag flag-escalated">{t('board.escalated')}</strong>}
        <span className="alert-status">{t(`alert.status.${alert.status}`)}</span>
        {showPatient && (
          <a href={href({ page: 'patient', patientId: alert.patientId })} data-testid="alert-patient">
            <span className="patient-id">{alert.patientId}</span>
            {patientName !== null && <> {patientName}</>}
          </a>
        )}
      </div>
      <p className="alert-message" data-testid="alert-message">
        {alertText(alert, language)}
      </p>
      <p className="muted">
        {value !== null && alert.code !== null && `${measureName(language, alert.code)}: ${value} · `}
        {alert.measuredAt !== null && (
          <>
            {t('alert.measuredAt')}: <time dateTime={alert.measuredAt}>{formatDateTime(language, alert.measuredAt)}</time> ·{' '}
          </>
        )}
        {t('alert.raisedAt')}: <time dateTime={alert.raisedAt}>{formatDateTime(language, alert.raisedAt)}</time> ({timeAgo(language, alert.raisedAt, now)})
        {alert.count > 1 && ` · ${t('alert.count', { count: alert.count })}`}
        {alert.late && ` · ${t('alert.late')}`}
        {alert.backInRange && ` · ${t('alert.backInRange')}`}
      </p>
      {alert.acknowledgedAt !== null && (
        <p className="muted">
          {t('alert.by', { action: t('alert.status.acknowledged'), user: alert.acknowledgedBy ?? '?', when: formatDateTime(language, alert.acknowledgedAt) })}
          {alert.acknowledgeNote && `: “${alert.acknowledgeNote}”`}
        </p>
      )}
      {alert.resolvedAt !== null && (
        <p className="muted">
          {t('alert.by', { action: t('alert.status.resolved'), user: alert.resolvedBy ?? '?', when: formatDateTime(language, alert.resolvedAt) })}
          {alert.resolveNote && `: “${alert.resolveNote}”`}
        </p>
      )}
      {canActOnAlerts(user) && alert.status !== 'resolved' && (
        <div className="alert-actions">
          <Field label={t('alert.noteFor', { rule: ruleName(alert.rule, ruleShapeOf(alert), language) })}>
            {(id) => <input id={id} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />}
          </Field>
          {alert.status === 'open' && (
            <button type="button" disabled={busy} onClick={() => act(acknowledgeAlert)}>
              {t('alert.acknowledge')}
            </button>
          )}
          <button type="button" disabled={busy} onClick={() => act(resolveAlert)}>
            {t('alert.resolve')}
          </button>
        </div>
      )}
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </li>
  );
}

/**
 * Alerts in the order given. `patientNames` (patient id -> name) shows each alert's patient, as the
 * alerts page does; the patient page leaves it out.
 */
export function AlertList({ alerts, onChanged, patientNames }: { alerts: readonly Alert[]; onChanged: (a: Alert) => void; patientNames?: ReadonlyMap<string, string> }) {
  const { t } = useSession();
  if (alerts.length === 0) return <p>{t('alert.none')}</p>;
  return (
    <ul className="alert-list" data-testid="alert-list">
      {alerts.map((a) => (
        <AlertItem key={a.id} alert={a} onChanged={onChanged} patientName={patientNames === undefined ? undefined : (patientNames.get(a.patientId) ?? null)} />
      ))}
    </ul>
  );
}

/** The alerts page: every alert visible to the user, filtered by status, updated live. */
export function AlertsPage() {
  const { api, t } = useSession();
  const live = useLiveAlerts();
  const [status, setStatus] = useState<AlertStatus | ''>('open');
  const [alerts, reload, update] = useResource(() => api.get(`/api/alerts${query({ status: status || undefined })}`, AlertListSchema), [api, status]);
  // Names only: an alert is still listed, with its patient id, when the patient list cannot be had.
  const [patients] = useResource(() => api.get('/api/patients', PatientListSchema).catch(() => []), [api]);
  const names = new Map(patients.status === 'ok' ? patients.data.map((p) => [p.id, p.displayName]) : []);
  const { rememberPatients, reraised } = live;
  useEffect(() => {
    if (patients.status === 'ok') rememberPatients(patients.data);
  }, [patients, rememberPatients]);
  const onChanged = (a: Alert): void => update((list) => upsertAlert(list, a).filter((x) => status === '' || x.status === status));
  useLiveEvents((e) => e.type === 'alert' && onChanged(e.event));
  return (
    <>
      <h1>{t('alerts.heading')}</h1>
      <Field label={t('alerts.filter')}>
        {(id) => (
          <select id={id} value={status} onChange={(e) => setStatus(AlertStatusSchema.or(z.literal('')).parse(e.target.value))}>
            <option value="">{t('alerts.all')}</option>
            {AlertStatusSchema.options.map((s) => (
              <option key={s} value={s}>
                {t(`alert.status.${s}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Loaded resource={alerts} retry={reload}>
        {(list) => (
          <>
            <p className="muted">{t('alerts.order')}</p>
            <AlertList
              alerts={alertsPageOrder(list, reraised)}
              onChanged={(a) => {
                onChanged(a);
                live.apply(a);
              }}
              patientNames={names}
            />
          </>
        )}
      </Loaded>
    </>
  );
}
