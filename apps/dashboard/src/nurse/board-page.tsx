import { useEffect, useRef, useState } from 'react';
import { BoardTriageSchema, GreenReviewResponseSchema, PatientSummarySchema, ProgrammeSchema, TriageCountsSchema, type Alert, type BoardTriage as ServerTriage, type PatientSummary, type Programme } from '@tm/contracts';
import { z } from 'zod';
import { adherenceLevel, boardAdherenceText, overdueText } from './adherence-model';
import { useAdherenceSummaries } from './adherence-summaries';
import { acknowledgeAlert } from './alerts';
import { alertText, alertValueText } from './alert-text';
import { actionableAlerts, BOARD_PAGE_SIZE, boardCounts, boardCountsOf, boardTriage, greenWithNewReadings, markSeen, monitoringState, sortBoard, triageAlert, type BoardTriage } from './board';
import { Loaded, errorText } from '../shared/components';
import { TriageBadge } from './triage-badge';
import { canActOnAlerts, useLiveEvents, useNow, useReloadAfterLiveGap, useResource, useSession, type Resource } from '../shared/context';
import { formatDateTime, formatNumber, type MessageKey } from '../i18n';
import { useLiveAlerts } from './live-alerts';
import { href } from '../shared/routes';
import { PatientListSchema } from './schemas';
import { query, type Api } from '../shared/api';
import { duration, timeAgo } from '../shared/time';
import { DeferredActions, UNDO_MS } from './undo';

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

/** Acknowledgements held back for UNDO_MS; what is still waiting when the board closes is sent then. */
function useDeferredActions(delayMs: number): DeferredActions {
  const [, setVersion] = useState(0);
  const [actions] = useState(() => new DeferredActions(delayMs, () => setVersion((n) => n + 1)));
  // Re-render every second while something waits, for the countdown.
  const [, setTick] = useState(0);
  const waiting = actions.size > 0;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [waiting]);
  useEffect(() => () => actions.flush(), [actions]);
  return actions;
}

const COUNT_KEYS: Record<BoardTriage, MessageKey> = { red: 'board.count.red', yellow: 'board.count.yellow', none: 'board.count.none', green: 'board.count.green' };

const patientLabel = (p: PatientSummary): string => `${p.id} ${p.displayName}`;

/** The board's search and filters, as GET /api/patients takes them (ARCHITECTURE.md §12). */
interface BoardFilter {
  q: string;
  programme: Programme | '';
  triage: ServerTriage | '';
  team: string;
  mine: boolean;
  /** the patients whose programme has ended, instead of those in it */
  discharged: boolean;
}
const NO_FILTER: BoardFilter = { q: '', programme: '', triage: '', team: '', mine: false, discharged: false };
const TRIAGE_NAMES: Record<ServerTriage, MessageKey> = { red: 'triage.red', yellow: 'triage.yellow', green: 'triage.green', no_data: 'triage.none' };

/** What the board shows: the most urgent patients the search keeps, how many it keeps in all, and of each colour. */
interface BoardList {
  list: PatientSummary[];
  total: number;
  counts: Record<BoardTriage, number>;
}

/** GET /api/patients in the board's order (the server sorts and pages, so the reds are always on the first page). */
async function loadBoardPage(api: Api, path: string): Promise<BoardList> {
  const response = await api.fetchRaw(path);
  const list = PatientListSchema.parse(await response.json());
  const counts = response.headers.get('x-triage-counts');
  return {
    list,
    total: Number(response.headers.get('x-total-count') ?? list.length),
    counts: counts === null ? boardCounts(list) : boardCountsOf(TriageCountsSchema.parse(JSON.parse(counts))),
  };
}

/** The search box waits for a pause in typing, so a name typed costs one request, not one per letter. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function BoardPage() {
  const { api, user, t, language } = useSession();
  const live = useLiveAlerts();
  const now = useNow();
  const [filter, setFilter] = useState<BoardFilter>(NO_FILTER);
  const q = useDebounced(filter.q.trim(), 300);
  const search = query({ q, programme: filter.programme, triage: filter.triage, team: filter.team, mine: filter.mine ? '1' : undefined, discharged: filter.discharged ? '1' : undefined, sort: 'triage' });
  // "show more" adds a page to this search; a new search starts from one page again
  const [more, setMore] = useState({ search, pages: 1 });
  const pages = more.search === search ? more.pages : 1;
  const path = `/api/patients${search}&limit=${pages * BOARD_PAGE_SIZE}`;
  const [fetched, reloadPatients, updatePatients] = useResource(() => loadBoardPage(api, path), [api, path]);
  // while the next search or page loads, the board keeps showing the last one (and the nurse's place in it)
  const lastPage = useRef<BoardList | undefined>(undefined);
  if (fetched.status === 'ok') lastPage.current = fetched.data;
  const patients: Resource<BoardList> = fetched.status === 'loading' && lastPage.current !== undefined ? { status: 'ok', data: lastPage.current } : fetched;
  const canTake = user.role === 'nurse' || user.role === 'homecare';
  const adherence = useAdherenceSummaries(patients.status === 'ok' ? patients.data.list.map((p) => p.id) : []);
  const [seen, setSeen] = useStoredState<Record<string, string>>(`tm.seen.${user.id}`, {}, (raw) => z.record(z.string(), z.string()).parse(raw));
  const [actionError, setActionError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [sending, setSending] = useState<ReadonlySet<string>>(new Set());
  const acks = useDeferredActions(UNDO_MS);
  const refresh = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const canAct = canActOnAlerts(user);
  const { rememberPatients } = live;

  useEffect(() => {
    if (patients.status === 'ok') rememberPatients(patients.data.list);
  }, [patients, rememberPatients]);

  // Triage is computed by the server; a burst of alert events costs one refetch.
  const scheduleRefresh = (): void => {
    clearTimeout(refresh.current);
    refresh.current = setTimeout(reloadPatients, 250);
  };
  useEffect(() => () => clearTimeout(refresh.current), []);

  // After a gap in the live connection the board is refetched, whatever the replay delivers.
  useReloadAfterLiveGap(reloadPatients);

  useLiveEvents((e) => {
    switch (e.type) {
      case 'alert':
        scheduleRefresh();
        break;
      case 'observation': {
        const { patientId, measuredAt } = e.event;
        updatePatients((page) => ({
          ...page,
          list: page.list.map((p) => (p.id === patientId && (p.lastMeasurementAt === null || p.lastMeasurementAt < measuredAt) ? { ...p, lastMeasurementAt: measuredAt } : p)),
        }));
        break;
      }
    }
  });

  const sendAcknowledge = (alert: Alert, p: PatientSummary): void => {
    setSending((s) => new Set(s).add(p.id));
    const done = (): void =>
      setSending((s) => {
        const next = new Set(s);
        next.delete(p.id);
        return next;
      });
    acknowledgeAlert(api, alert.id).then(
      (updated) => {
        // The button the nurse is on goes away with the open alert: keep her on the row, at its name.
        const active = document.activeElement;
        if (active instanceof HTMLElement && active.dataset.ackFor === p.id) document.querySelector<HTMLElement>(`[data-patient-link="${CSS.escape(p.id)}"]`)?.focus();
        done();
        live.apply(updated);
        reloadPatients();
        setStatus(t('board.ack.done', { patient: patientLabel(p) }));
      },
      (e: unknown) => {
        done();
        setActionError(errorText(e, t('app.notAvailable')));
      },
    );
  };

  const startAcknowledge = (alert: Alert, p: PatientSummary): void => {
    setActionError(null);
    acks.schedule(p.id, () => sendAcknowledge(alert, p));
    setStatus(t('board.ack.pending', { patient: patientLabel(p), count: UNDO_MS / 1000 }));
  };

  const takePatient = (p: PatientSummary): void => {
    setActionError(null);
    api.send('PUT', `/api/patients/${encodeURIComponent(p.id)}/assignee`, { userId: user.id }, PatientSummarySchema).then(
      (updated) => {
        updatePatients((page) => ({ ...page, list: page.list.map((x) => (x.id === updated.id ? { ...x, assignee: updated.assignee } : x)) }));
        setStatus(t('board.assign.done', { patient: patientLabel(p) }));
      },
      (e: unknown) => setActionError(errorText(e, t('app.notAvailable'))),
    );
  };

  const undoAcknowledge = (p: PatientSummary): void => {
    if (acks.cancel(p.id)) setStatus(t('board.ack.undone', { patient: patientLabel(p) }));
  };

  const alertList = live.alerts.status === 'ok' ? live.alerts.data : [];

  return (
    <>
      <h1>{t('board.heading')}</h1>
      <form className="board-filters" role="search" aria-label={t('board.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('board.search')}
          <input type="search" value={filter.q} maxLength={100} data-testid="board-search" onChange={(e) => setFilter({ ...filter, q: e.target.value })} />
        </label>
        <label>
          {t('board.filter.programme')}
          <select value={filter.programme} onChange={(e) => setFilter({ ...filter, programme: e.target.value === '' ? '' : ProgrammeSchema.parse(e.target.value) })}>
            <option value="">{t('board.filter.all')}</option>
            {ProgrammeSchema.options.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('board.filter.triage')}
          <select value={filter.triage} onChange={(e) => setFilter({ ...filter, triage: e.target.value === '' ? '' : BoardTriageSchema.parse(e.target.value) })}>
            <option value="">{t('board.filter.all')}</option>
            {BoardTriageSchema.options.map((v) => (
              <option key={v} value={v}>
                {t(TRIAGE_NAMES[v])}
              </option>
            ))}
          </select>
        </label>
        {user.careTeams.length > 1 && (
          <label>
            {t('board.filter.team')}
            <select value={filter.team} onChange={(e) => setFilter({ ...filter, team: e.target.value })}>
              <option value="">{t('board.filter.all')}</option>
              {user.careTeams.map((team) => (
                <option key={team} value={team}>
                  {team}
                </option>
              ))}
            </select>
          </label>
        )}
        {canTake && (
          <label className="inline">
            <input type="checkbox" checked={filter.mine} data-testid="board-mine" onChange={(e) => setFilter({ ...filter, mine: e.target.checked })} /> {t('board.mine')}
          </label>
        )}
        <label className="inline">
          <input type="checkbox" checked={filter.discharged} data-testid="board-discharged" onChange={(e) => setFilter({ ...filter, discharged: e.target.checked })} />{' '}
          {t('board.showDischarged')}
        </label>
      </form>
      <Loaded resource={patients} retry={reloadPatients}>
        {({ list, total, counts }) => {
          const board = sortBoard(list, alertList, live.reraised);
          const newGreens = greenWithNewReadings(list, seen);
          const countText = (['red', 'yellow', 'green', 'none'] as const)
            .filter((c) => c !== 'none' || counts.none > 0)
            .map((c) => t(COUNT_KEYS[c], { count: counts[c] }))
            .join(', ');
          return (
            <>
              <div className="toolbar">
                <p data-testid="board-counts">{countText}</p>
                <label className="inline">
                  <input type="checkbox" checked={live.sound} onChange={(e) => live.setSound(e.target.checked)} /> {t('board.sound')}
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
                <span role="status" data-testid="board-status">
                  {status}
                </span>
              </div>
              {actionError !== null && (
                <p role="alert" className="error">
                  {actionError}
                </p>
              )}
              {live.alerts.status === 'error' && (
                <p role="alert" className="error">
                  {errorText(live.alerts.error, t('app.notAvailable'))}{' '}
                  <button type="button" onClick={live.reload}>
                    {t('app.retry')}
                  </button>
                </p>
              )}
              {board.length === 0 ? (
                <p>{t('board.empty')}</p>
              ) : (
                // a focusable region: if a very narrow screen still has to scroll it, the keyboard can (axe scrollable-region-focusable)
                <div className="board-wrap" role="region" aria-label={t('board.heading')} tabIndex={0}>
                <table className="board" data-testid="triage-board">
                  <caption className="visually-hidden">{t('board.caption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('board.patient')}</th>
                      <th scope="col">{t('board.triage')}</th>
                      <th scope="col">{t('board.reason')}</th>
                      <th scope="col">{t('board.value')}</th>
                      <th scope="col">{t('board.measuredAt')}</th>
                      <th scope="col">{t('board.since')}</th>
                      <th scope="col">{t('board.lastMeasurement')}</th>
                      <th scope="col">{t('board.adherence')}</th>
                      <th scope="col">{t('board.status')}</th>
                      <th scope="col">{t('board.assignee')}</th>
                      {canAct && <th scope="col">{t('board.actions')}</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {board.map((p) => {
                      const triage = boardTriage(p);
                      const pending = actionableAlerts(alertList, p.id, live.reraised);
                      const reason = triageAlert(p, alertList, live.reraised);
                      const others = pending.filter((a) => a !== reason && a.severity === p.triage).length;
                      const worstOpen = pending.find((a) => a.status === 'open');
                      const escalated = pending.some((a) => a.escalated);
                      const summary = adherence?.get(p.id);
                      const state = monitoringState(p, now, summary?.overdue);
                      const value = reason !== undefined ? alertValueText(reason, language) : p.triageValue === null ? null : formatNumber(language, p.triageValue);
                      const secondsLeft = acks.secondsLeft(p.id);
                      const isSending = sending.has(p.id);
                      return (
                        <tr
                          key={p.id}
                          className={`row-${triage}${escalated ? ' escalated' : ''}${state.kind === 'paused' ? ' paused' : ''}`}
                          data-testid={`patient-row-${p.id}`}
                          data-triage={triage}
                        >
                          <th scope="row">
                            <a href={href({ page: 'patient', patientId: p.id })} data-patient-link={p.id}>
                              <span className="patient-id">{p.id}</span> <span className="patient-name">{p.displayName}</span>
                            </a>
                            <span className="muted"> · {p.programme}</span>
                            {p.dischargedAt && (
                              <span className="flag flag-paused" data-testid="discharged">
                                {t('board.discharged', { date: formatDateTime(language, p.dischargedAt) })}
                              </span>
                            )}
                            {p.personalLimits && (
                              <span className="flag flag-personal" data-testid="personal-limits">
                                {t('board.personalLimits', { who: p.personalLimits.setBy ?? '–', date: formatDateTime(language, p.personalLimits.setAt) })}
                              </span>
                            )}
                          </th>
                          <td data-label={t('board.triage')}>
                            <TriageBadge triage={triage} />
                          </td>
                          <td data-label={t('board.reason')} data-testid="triage-reason">
                            {reason !== undefined ? alertText(reason, language) : (p.triageReason ?? '–')}
                            {others > 0 && <span className="muted">{t('board.moreAlerts', { count: others })}</span>}
                          </td>
                          <td data-label={t('board.value')}>{value ?? '–'}</td>
                          <td data-label={t('board.measuredAt')}>
                            {reason?.measuredAt == null ? (
                              '–'
                            ) : (
                              <>
                                <time dateTime={reason.measuredAt}>{formatDateTime(language, reason.measuredAt)}</time>
                                {reason.late && <span className="muted">{t('alert.late')}</span>}
                              </>
                            )}
                          </td>
                          <td data-label={t('board.since')}>
                            {p.triageSince === null ? (
                              '–'
                            ) : (
                              <>
                                <time dateTime={p.triageSince}>{timeAgo(language, p.triageSince, now)}</time>
                                <span className="muted">{formatDateTime(language, p.triageSince)}</span>
                              </>
                            )}
                          </td>
                          <td data-label={t('board.lastMeasurement')}>
                            {p.lastMeasurementAt === null ? '–' : <time dateTime={p.lastMeasurementAt}>{timeAgo(language, p.lastMeasurementAt, now)}</time>}
                          </td>
                          <td data-label={t('board.adherence')} data-testid="adherence" className={summary !== undefined && adherenceLevel(summary.total) === 'low' ? 'adherence-low' : undefined}>
                            {boardAdherenceText(summary, language)}
                          </td>
                          <td data-label={t('board.status')}>
                            {escalated && <strong className="flag flag-escalated">{t('board.escalated')}</strong>}{' '}
                            {state.kind === 'paused' && <span className="flag flag-paused">{t('board.paused', { date: formatDateTime(language, state.until) })}</span>}
                            {state.kind === 'stale' && <span className="flag flag-stale">{t('board.stale', { ago: duration(language, state.silentForMs) })}</span>}
                            {state.kind === 'overdue' && (
                              <span className="flag flag-stale" data-testid="overdue">
                                {overdueText(state.overdue, language)}
                              </span>
                            )}
                            {state.kind === 'no-data' && <span className="flag flag-stale">{t('board.noData')}</span>}{' '}
                            {pending.length > 0 && worstOpen === undefined && <span className="flag">{t('alert.status.acknowledged')}</span>}{' '}
                            {canAct && state.kind === 'active' && newGreens.includes(p) && <span className="flag">{t('board.newReadings')}</span>}
                          </td>
                          <td data-label={t('board.assignee')} data-testid="assignee">
                            {p.assignee ? p.assignee.displayName : '–'}
                            {canTake && p.assignee?.id !== user.id && (
                              <>
                                {' '}
                                <button type="button" className="secondary" aria-label={t('board.assign.label', { patient: patientLabel(p) })} onClick={() => takePatient(p)}>
                                  {t('board.assign')}
                                </button>
                              </>
                            )}
                          </td>
                          {canAct && (
                            <td data-label={t('board.actions')}>
                              {(worstOpen !== undefined || secondsLeft !== undefined || isSending) && (
                                // One button that changes its job, so keyboard focus stays on it: Kvittér -> Fortryd -> (sent).
                                <button
                                  type="button"
                                  className={secondsLeft !== undefined ? 'secondary' : undefined}
                                  data-ack-for={p.id}
                                  aria-disabled={isSending || undefined}
                                  onClick={() => {
                                    if (isSending) return;
                                    if (secondsLeft !== undefined) undoAcknowledge(p);
                                    else if (worstOpen !== undefined) startAcknowledge(worstOpen, p);
                                  }}
                                >
                                  {secondsLeft !== undefined ? (
                                    <>
                                      {t('board.ack.undo')}{' '}
                                      <span className="ack-countdown" aria-hidden="true">
                                        ({t('board.ack.secondsLeft', { count: secondsLeft })})
                                      </span>
                                    </>
                                  ) : isSending ? (
                                    t('board.ack.sending')
                                  ) : (
                                    t('alert.acknowledge')
                                  )}
                                </button>
                              )}
                            </td>
                          )}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                </div>
              )}
              {total > list.length && (
                <p className="board-more" data-testid="board-more">
                  {t('board.shown', { shown: list.length, total })}{' '}
                  <button type="button" className="secondary" onClick={() => setMore({ search, pages: pages + 1 })}>
                    {t('board.showMore', { count: Math.min(BOARD_PAGE_SIZE, total - list.length) })}
                  </button>
                </p>
              )}
            </>
          );
        }}
      </Loaded>
    </>
  );
}
