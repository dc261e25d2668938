import { useState } from 'react';
import { AlertSchema, AlertStatusSchema, type Alert, type AlertStatus } from '@tm/contracts';
import { z } from 'zod';
import { isForbidden, query, type Api } from './api';
import { upsertAlert } from './board';
import { Field, Loaded, SeverityBadge, errorText } from './components';
import { canActOnAlerts, useLiveEvents, useNow, useResource, useSession } from './context';
import { formatDateTime, formatNumber, measureName, unitText } from './i18n';
import { href } from './routes';
import { timeAgo } from './time';

export const AlertListSchema = z.array(AlertSchema);

export function acknowledgeAlert(api: Api, id: string, note?: string): Promise<Alert> {
  return api.send('POST', `/api/alerts/${encodeURIComponent(id)}/acknowledge`, note ? { note } : {}, AlertSchema);
}

export function resolveAlert(api: Api, id: string, note?: string): Promise<Alert> {
  return api.send('POST', `/api/alerts/${encodeURIComponent(id)}/resolve`, note ? { note } : {}, AlertSchema);
}

/** One alert with its lifecycle; nurses acknowledge or resolve it with a note, home care only reads. */
function AlertItem({ alert, onChanged, showPatient }: { alert: Alert; onChanged: (a: Alert) => void; showPatient: boolean }) {
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
  const value =
    alert.value === null ? null : `${formatNumber(language, alert.value)}${alert.unit === null ? '' : ` ${unitText(alert.unit)}`}`;
  return (
    <li className={`alert-item severity-${alert.severity}${alert.escalated ? ' escalated' : ''}`} data-testid={`alert-${alert.id}`}>
      <div className="alert-head">
        <SeverityBadge severity={alert.severity} />
        {alert.escalated && <strong className="flag flag-escalated">{t('board.escalated')}</strong>}
        <span className="alert-status">{t(`alert.status.${alert.status}`)}</span>
        {showPatient && <a href={href({ page: 'patient', patientId: alert.patientId })}>{alert.patientId}</a>}
      </div>
      <p className="alert-message">
        {alert.message}
        {value !== null && alert.code !== null && ` (${measureName(language, alert.code)}: ${value})`}
      </p>
      <p className="muted">
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
          <Field label={t('alert.noteFor', { rule: alert.rule })}>
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

export function AlertList({ alerts, onChanged, showPatient }: { alerts: readonly Alert[]; onChanged: (a: Alert) => void; showPatient: boolean }) {
  const { t } = useSession();
  if (alerts.length === 0) return <p>{t('alert.none')}</p>;
  return (
    <ul className="alert-list" data-testid="alert-list">
      {alerts.map((a) => (
        <AlertItem key={a.id} alert={a} onChanged={onChanged} showPatient={showPatient} />
      ))}
    </ul>
  );
}

/** The alerts page: every alert visible to the user, filtered by status, updated live. */
export function AlertsPage() {
  const { api, t } = useSession();
  const [status, setStatus] = useState<AlertStatus | ''>('open');
  const [alerts, reload, update] = useResource(() => api.get(`/api/alerts${query({ status: status || undefined })}`, AlertListSchema), [api, status]);
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
        {(list) => <AlertList alerts={list} onChanged={onChanged} showPatient />}
      </Loaded>
    </>
  );
}
