import { useEffect, useRef, useState } from 'react';
import { GreenReviewResponseSchema, PatientSummarySchema, type Alert, type PatientSummary } from '@tm/contracts';
import { z } from 'zod';
import { acknowledgeAlert, AlertListSchema } from './alerts';
import { actionableAlerts, greenWithNewReadings, markSeen, monitoringState, newlyRed, sortBoard, upsertAlert } from './board';
import { Loaded, TriageBadge, errorText } from './components';
import { canActOnAlerts, useLiveEvents, useNow, useResource, useSession } from './context';
import { formatDateTime, formatNumber, unitText } from './i18n';
import { href } from './routes';
import { duration, timeAgo } from './time';
import type { Api } from './api';

export const PatientListSchema = z.array(PatientSummarySchema);

/** Open and acknowledged alerts: the ones a nurse may still act on. */
export async function loadActionableAlerts(api: Api): Promise<Alert[]> {
  const [open, acknowledged] = await Promise.all([
    api.get('/api/alerts?status=open', AlertListSchema),
    api.get('/api/alerts?status=acknowledged', AlertListSchema),
  ]);
  return [...open, ...acknowledged];
}

function useStoredState<T>(key: string, initial: T, parse: (raw: unknown) => T): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? initial : parse(JSON.parse(raw));
    } catch {
      return initial;
    }
  });
  const set = (v: T): void => {
    setValue(v);
    localStorage.setItem(key, JSON.stringify(v));
  };
  return [value, set];
}

/** A short two-tone chime; browsers allow it only after the user has interacted with the page. */
function chime(): void {
  const context = new AudioContext();
  const gain = context.createGain();
  gain.gain.value = 0.15;
  gain.connect(context.destination);
  [880, 660].forEach((frequency, i) => {
    const tone = context.createOscillator();
    tone.frequency.value = frequency;
    tone.connect(gain);
    tone.start(context.currentTime + i * 0.2);
    tone.stop(context.currentTime + i * 0.2 + 0.18);
  });
  setTimeout(() => void context.close(), 1000);
}

/** The unit of the value behind the triage, known from the patient's worst alert. */
/** The unit of the alert that decides the patient's triage (the one whose message is the triage reason). */
function valueUnit(pending: readonly Alert[], triageReason: string | null): string {
  const unit = (pending.find((a) => a.message === triageReason) ?? pending[0])?.unit;
  return unit ? ` ${unitText(unit)}` : '';
}

interface Announcement {
  key: string;
  text: string;
}

export function BoardPage() {
  const { api, user, t, language, liveStatus } = useSession();
  const now = useNow();
  const [patients, reloadPatients, updatePatients] = useResource(() => api.get('/api/patients', PatientListSchema), [api]);
  const [alerts, reloadAlerts, updateAlerts] = useResource(() => loadActionableAlerts(api), [api]);
  const [sound, setSound] = useStoredState('tm.sound', true, (raw) => raw === true);
  const [seen, setSeen] = useStoredState<Record<string, string>>(`tm.seen.${user.id}`, {}, (raw) => z.record(z.string(), z.string()).parse(raw));
  const [announcements, setAnnouncements] = useState<Announcement[]>([]);
  const [actionError, setActionError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const previous = useRef<PatientSummary[] | null>(null);
  const refresh = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const canAct = canActOnAlerts(user);

  // Triage is computed by the server; a burst of alert events costs one refetch.
  const scheduleRefresh = (): void => {
    clearTimeout(refresh.current);
    refresh.current = setTimeout(reloadPatients, 250);
  };
  useEffect(() => () => clearTimeout(refresh.current), []);

  // After a gap in the live connection the board is refetched, whatever the replay delivers.
  const wasDisconnected = useRef(false);
  useEffect(() => {
    if (liveStatus === 'disconnected') wasDisconnected.current = true;
    if (liveStatus !== 'connected' || !wasDisconnected.current) return;
    wasDisconnected.current = false;
    reloadPatients();
    reloadAlerts();
  }, [liveStatus, reloadPatients, reloadAlerts]);

  useLiveEvents((e) => {
    switch (e.type) {
      case 'alert':
        updateAlerts((list) => (e.event.status === 'resolved' ? list.filter((a) => a.id !== e.event.id) : upsertAlert(list, e.event)));
        scheduleRefresh();
        break;
      case 'observation': {
        const { patientId, measuredAt } = e.event;
        updatePatients((list) =>
          list.map((p) => (p.id === patientId && (p.lastMeasurementAt === null || p.lastMeasurementAt < measuredAt) ? { ...p, lastMeasurementAt: measuredAt } : p)),
        );
        break;
      }
    }
  });

  useEffect(() => {
    if (patients.status !== 'ok') return;
    const before = previous.current;
    previous.current = patients.data;
    if (before === null) return;
    const fresh = newlyRed(before, patients.data);
    if (fresh.length === 0) return;
    setAnnouncements((list) => [
      ...fresh.map((p) => ({ key: `${p.id}-${p.triageSince ?? ''}`, text: t('board.newRed', { patient: `${p.id} ${p.displayName}`, reason: p.triageReason ?? '' }) })),
      ...list,
    ]);
    if (sound) {
      try {
        chime();
      } catch {
        // No audio device: the visual and aria-live announcement remain.
      }
    }
  }, [patients, sound, t]);

  const acknowledgeWorst = (alert: Alert): void => {
    setActionError(null);
    acknowledgeAlert(api, alert.id).then(
      (updated) => {
        updateAlerts((list) => upsertAlert(list, updated));
        reloadPatients();
      },
      (e: unknown) => setActionError(errorText(e, t('app.notAvailable'))),
    );
  };

  return (
    <>
      <h1>{t('board.heading')}</h1>
      <div aria-live="assertive" role="alert" className="announcements" data-testid="new-red-announcements">
        {announcements.map((a) => (
          <p key={a.key} className="announcement">
            <span>{a.text}</span>{' '}
            <button type="button" onClick={() => setAnnouncements((list) => list.filter((x) => x.key !== a.key))}>
              {t('board.dismiss')}
            </button>
          </p>
        ))}
      </div>
      <Loaded resource={patients} retry={reloadPatients}>
        {(list) => {
          const board = sortBoard(list);
          const counts = { red: 0, yellow: 0, green: 0 };
          for (const p of list) counts[p.triage] += 1;
          const newGreens = greenWithNewReadings(list, seen);
          const alertList = alerts.status === 'ok' ? alerts.data : [];
          return (
            <>
              <div className="toolbar">
                <p data-testid="board-counts">{t('board.counts', counts)}</p>
                <label className="inline">
                  <input type="checkbox" checked={sound} onChange={(e) => setSound(e.target.checked)} /> {t('board.sound')}
                </label>
                {canAct && (
                  <button
                    type="button"
                    disabled={newGreens.length === 0}
                    onClick={() => {
                      api.send('POST', '/api/patients/green-review', { patientIds: newGreens.map((p) => p.id) }, GreenReviewResponseSchema).then(
                        ({ reviewed }) => {
                          const ids = new Set(reviewed);
                          setSeen(markSeen(seen, newGreens.filter((p) => ids.has(p.id))));
                          setStatus(t('board.ackAllGreen.done', { count: reviewed.length }));
                        },
                        (error: Error) => setStatus(error.message),
                      );
                    }}
                  >
                    {t('board.ackAllGreen')}
                  </button>
                )}
                <span role="status">{status}</span>
              </div>
              {actionError !== null && (
                <p role="alert" className="error">
                  {actionError}
                </p>
              )}
              {alerts.status === 'error' && (
                <p role="alert" className="error">
                  {errorText(alerts.error, t('app.notAvailable'))}{' '}
                  <button type="button" onClick={reloadAlerts}>
                    {t('app.retry')}
                  </button>
                </p>
              )}
              {board.length === 0 ? (
                <p>{t('board.empty')}</p>
              ) : (
                <table className="board" data-testid="triage-board">
                  <caption className="visually-hidden">{t('board.caption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('board.patient')}</th>
                      <th scope="col">{t('board.triage')}</th>
                      <th scope="col">{t('board.reason')}</th>
                      <th scope="col">{t('board.value')}</th>
                      <th scope="col">{t('board.since')}</th>
                      <th scope="col">{t('board.lastMeasurement')}</th>
                      <th scope="col">{t('board.status')}</th>
                      {canAct && <th scope="col">{t('board.actions')}</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {board.map((p) => {
                      const pending = actionableAlerts(alertList, p.id);
                      const worstOpen = pending.find((a) => a.status === 'open');
                      const escalated = pending.some((a) => a.escalated);
                      const state = monitoringState(p, now);
                      return (
                        <tr
                          key={p.id}
                          className={`row-${p.triage}${escalated ? ' escalated' : ''}${state.kind === 'paused' ? ' paused' : ''}`}
                          data-testid={`patient-row-${p.id}`}
                          data-triage={p.triage}
                        >
                          <th scope="row">
                            <a href={href({ page: 'patient', patientId: p.id })}>
                              <span className="patient-id">{p.id}</span> <span className="patient-name">{p.displayName}</span>
                            </a>
                            <span className="muted"> · {p.programme}</span>
                          </th>
                          <td>
                            <TriageBadge triage={p.triage} />
                          </td>
                          <td>{p.triageReason ?? '–'}</td>
                          <td>{p.triageValue === null ? '–' : `${formatNumber(language, p.triageValue)}${valueUnit(pending, p.triageReason)}`}</td>
                          <td>{p.triageSince === null ? '–' : <time dateTime={p.triageSince}>{timeAgo(language, p.triageSince, now)}</time>}</td>
                          <td>
                            {p.lastMeasurementAt === null ? '–' : <time dateTime={p.lastMeasurementAt}>{timeAgo(language, p.lastMeasurementAt, now)}</time>}
                          </td>
                          <td>
                            {escalated && <strong className="flag flag-escalated">{t('board.escalated')}</strong>}{' '}
                            {state.kind === 'paused' && <span className="flag flag-paused">{t('board.paused', { date: formatDateTime(language, state.until) })}</span>}
                            {state.kind === 'stale' && <span className="flag flag-stale">{t('board.stale', { ago: duration(language, state.silentForMs) })}</span>}
                            {state.kind === 'no-data' && <span className="flag flag-stale">{t('board.noData')}</span>}{' '}
                            {pending.length > 0 && worstOpen === undefined && <span className="flag">{t('alert.status.acknowledged')}</span>}{' '}
                            {canAct && state.kind === 'active' && newGreens.includes(p) && <span className="flag">{t('board.newReadings')}</span>}
                          </td>
                          {canAct && (
                            <td>
                              {worstOpen !== undefined && (
                                <button type="button" onClick={() => acknowledgeWorst(worstOpen)} title={worstOpen.message}>
                                  {t('alert.acknowledge')}
                                </button>
                              )}
                            </td>
                          )}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              )}
            </>
          );
        }}
      </Loaded>
    </>
  );
}
