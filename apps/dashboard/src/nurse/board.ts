import type { Alert, AlertStatus, OverdueActivity, PatientSummary, Severity, Triage, TriageCounts } from '@tm/contracts';

/**
 * A patient's colour on the board: the server's triage, where a patient who has never sent a
 * reading is not green (nothing is known to be fine) but "no data" (`no_data` from the server).
 */
export type BoardTriage = Triage | 'none';

export function boardTriage(p: Pick<PatientSummary, 'triage' | 'lastMeasurementAt'>): BoardTriage {
  return p.triage === 'no_data' || (p.triage === 'green' && p.lastMeasurementAt === null) ? 'none' : p.triage;
}

const BOARD_RANK: Record<BoardTriage, number> = { red: 0, yellow: 1, none: 2, green: 3 };
const SEVERITY_RANK: Record<Severity, number> = { red: 0, yellow: 1 };
const STATUS_RANK: Record<AlertStatus, number> = { open: 0, acknowledged: 1, resolved: 2 };

/** Without a plan to go by, readings are expected at least daily; after this long without one the data has stopped coming. */
export const STALE_AFTER_MS = 26 * 60 * 60 * 1000;

/**
 * Alert id -> when this dashboard saw the alert raised again (open red after it had been
 * acknowledged, or turned red from yellow). The server records the first in `reraisedAt`; a yellow
 * that turns red keeps its `raisedAt`, so only the live event tells when it went red.
 */
export type Reraised = Readonly<Record<string, string>>;

const instant = (iso: string | null | undefined): number => (iso == null ? Number.NEGATIVE_INFINITY : Date.parse(iso));

/** When the alert last called for a nurse: its raise, or its latest re-raise (from the server, or seen live). */
export function raisedTime(alert: Pick<Alert, 'id' | 'raisedAt' | 'reraisedAt'>, reraised: Reraised = {}): number {
  return Math.max(instant(alert.raisedAt), instant(alert.reraisedAt), instant(reraised[alert.id]));
}

const byRaisedDesc =
  (reraised: Reraised) =>
  (a: Alert, b: Alert): number =>
    raisedTime(b, reraised) - raisedTime(a, reraised) || a.id.localeCompare(b.id);

/** The alerts of each patient. */
function byPatient(alerts: readonly Alert[]): Map<string, Alert[]> {
  const map = new Map<string, Alert[]>();
  for (const a of alerts) map.set(a.patientId, [...(map.get(a.patientId) ?? []), a]);
  return map;
}

/**
 * Red, yellow, no data, green. Within a colour, patients with an alert of that colour nobody has
 * acknowledged yet come first, the most recently raised (or re-raised) first, so a new red tops
 * the board even on a patient who was red already; then the others by when they turned that colour
 * (else their last reading).
 */
export function sortBoard(patients: readonly PatientSummary[], alerts: readonly Alert[] = [], reraised: Reraised = {}): PatientSummary[] {
  const alertsOf = byPatient(alerts);
  const keys = new Map(
    patients.map((p) => {
      const triage = boardTriage(p);
      const open = (alertsOf.get(p.id) ?? []).filter((a) => a.status === 'open' && a.severity === triage);
      const time = open.length > 0 ? Math.max(...open.map((a) => raisedTime(a, reraised))) : instant(p.triageSince ?? p.lastMeasurementAt);
      return [p.id, { rank: BOARD_RANK[triage], waiting: open.length > 0 ? 0 : 1, time }] as const;
    }),
  );
  const key = (p: PatientSummary) => keys.get(p.id) ?? { rank: 9, waiting: 1, time: Number.NEGATIVE_INFINITY };
  return [...patients].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka.rank - kb.rank || ka.waiting - kb.waiting || kb.time - ka.time || a.id.localeCompare(b.id);
  });
}

/**
 * The alert shown as the reason for a patient's colour: of the patient's alerts of that severity
 * not yet resolved, an open one before an acknowledged one, the most recently raised first.
 */
export function triageAlert(p: Pick<PatientSummary, 'id' | 'triage'>, alerts: readonly Alert[], reraised: Reraised = {}): Alert | undefined {
  return actionableAlerts(alerts, p.id, reraised).find((a) => a.severity === p.triage);
}

export type MonitoringState =
  | { kind: 'paused'; until: string }
  | { kind: 'stale'; silentForMs: number }
  | { kind: 'overdue'; overdue: readonly OverdueActivity[] }
  | { kind: 'no-data' }
  | { kind: 'active' };

/**
 * Whether readings are expected and arriving: paused patients are not expected to send. With the
 * plan's view (`overdue` from GET /api/patients/adherence) a patient is stale only when the plan
 * expected a measurement that has not come: one on a twice-weekly plan is not stale on the days
 * in between. Without it (not loaded yet, or an older server), readings are expected daily.
 */
export function monitoringState(p: PatientSummary, now: Date, overdue?: readonly OverdueActivity[]): MonitoringState {
  if (p.pausedUntil !== null && Date.parse(p.pausedUntil) > now.getTime()) return { kind: 'paused', until: p.pausedUntil };
  if (p.lastMeasurementAt === null) return { kind: 'no-data' };
  if (overdue !== undefined) return overdue.length > 0 ? { kind: 'overdue', overdue } : { kind: 'active' };
  const silentForMs = now.getTime() - Date.parse(p.lastMeasurementAt);
  return silentForMs > STALE_AFTER_MS ? { kind: 'stale', silentForMs } : { kind: 'active' };
}

/**
 * Whether a nurse must hear of `after` as a new red: it is open and red now, and was not open and
 * red before: a new alert, one re-opened after it was acknowledged, or a yellow turned red. A
 * repeat, an escalation or a replayed event of an open red is not new.
 */
export function isNewRed(before: Pick<Alert, 'status' | 'severity'> | undefined, after: Pick<Alert, 'status' | 'severity'>): boolean {
  if (after.status !== 'open' || after.severity !== 'red') return false;
  return before === undefined || before.status !== 'open' || before.severity !== 'red';
}

/** The alerts of `after` that are new reds compared with the list the dashboard knew before. */
export function newReds(before: readonly Alert[], after: readonly Alert[]): Alert[] {
  const known = new Map(before.map((a) => [a.id, a]));
  return after.filter((a) => isNewRed(known.get(a.id), a));
}

/**
 * The alerts still needing a nurse (open or acknowledged) after one alert event: a resolved alert
 * leaves, any other replaces its older version. An event older than the version known (a replay
 * after a reconnect) changes nothing, so the same array is returned.
 */
export function applyAlertEvent(alerts: readonly Alert[], event: Alert): readonly Alert[] {
  const known = alerts.find((a) => a.id === event.id);
  if (known !== undefined && instant(known.updatedAt) > instant(event.updatedAt)) return alerts;
  const others = alerts.filter((a) => a.id !== event.id);
  return event.status === 'resolved' ? others : [event, ...others];
}

/**
 * A fresh list from the server merged with what live events brought while it was being fetched:
 * the newer version of each alert wins, and an alert the server did not list is kept only when an
 * event touched it after the fetch began (`touched`); otherwise it was resolved meanwhile.
 */
export function mergeFetched(current: readonly Alert[], fetched: readonly Alert[], touched: ReadonlySet<string>): Alert[] {
  const fresh = new Map(fetched.map((a) => [a.id, a]));
  for (const a of current) {
    const listed = fresh.get(a.id);
    if (listed === undefined ? touched.has(a.id) : instant(a.updatedAt) > instant(listed.updatedAt)) fresh.set(a.id, a);
  }
  return [...fresh.values()].filter((a) => a.status !== 'resolved');
}

/** A patient's alerts still needing a nurse: open first, red first, the most recently raised first. */
export function actionableAlerts(alerts: readonly Alert[], patientId: string, reraised: Reraised = {}): Alert[] {
  const newest = byRaisedDesc(reraised);
  return alerts
    .filter((a) => a.patientId === patientId && a.status !== 'resolved')
    .sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || newest(a, b));
}

/** The patient page: open alerts first, then acknowledged, then resolved; red first; newest first. */
export function patientAlertOrder(alerts: readonly Alert[], reraised: Reraised = {}): Alert[] {
  const newest = byRaisedDesc(reraised);
  return [...alerts].sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || newest(a, b));
}

/** The alerts page: by severity, then the most recently raised first. */
export function alertsPageOrder(alerts: readonly Alert[], reraised: Reraised = {}): Alert[] {
  const newest = byRaisedDesc(reraised);
  return [...alerts].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || newest(a, b));
}

/** Replaces an alert by id or adds it; newest raised first. */
export function upsertAlert(alerts: readonly Alert[], alert: Alert): Alert[] {
  const others = alerts.filter((a) => a.id !== alert.id);
  return [alert, ...others].sort((a, b) => Date.parse(b.raisedAt) - Date.parse(a.raisedAt));
}

/** How many patients of each board colour. */
export function boardCounts(patients: readonly PatientSummary[]): Record<BoardTriage, number> {
  const counts: Record<BoardTriage, number> = { red: 0, yellow: 0, none: 0, green: 0 };
  for (const p of patients) counts[boardTriage(p)] += 1;
  return counts;
}

/**
 * The board asks the server for this many patients at a time, most urgent first (`sort=triage`),
 * and for as many more at each "show more": at a ward's size (2,000 patients) the whole list is
 * 600 KB and its triage the server's work, and every red is on the first page.
 */
export const BOARD_PAGE_SIZE = 50;

/** The colours of all the patients the board's search keeps, on every page, from the server's `X-Triage-Counts`. */
export function boardCountsOf(counts: TriageCounts): Record<BoardTriage, number> {
  return { red: counts.red, yellow: counts.yellow, none: counts.no_data, green: counts.green };
}

/**
 * Green patients with readings the nurse has not yet marked as seen. `seen` maps patient id to the
 * last reading time the nurse acknowledged ("acknowledge all green", as OpenTele offers).
 */
export function greenWithNewReadings(patients: readonly PatientSummary[], seen: Readonly<Record<string, string>>): PatientSummary[] {
  return patients.filter((p) => {
    if (p.triage !== 'green' || p.lastMeasurementAt === null) return false;
    const mark = seen[p.id];
    return mark === undefined || Date.parse(p.lastMeasurementAt) > Date.parse(mark);
  });
}

export function markSeen(seen: Readonly<Record<string, string>>, patients: readonly PatientSummary[]): Record<string, string> {
  const next = { ...seen };
  for (const p of patients) if (p.lastMeasurementAt !== null) next[p.id] = p.lastMeasurementAt;
  return next;
}
