import type { Alert, PatientSummary, Triage } from '@tm/contracts';

const TRIAGE_RANK: Record<Triage, number> = { red: 0, yellow: 1, green: 2 };

/** Readings are expected at least daily; after this long without one the data has stopped coming. */
export const STALE_AFTER_MS = 26 * 60 * 60 * 1000;

/** The instant a row is ordered by within its colour: when it turned that colour, else its last reading. */
function rowTime(p: PatientSummary): number {
  const iso = p.triageSince ?? p.lastMeasurementAt;
  return iso === null ? Number.NEGATIVE_INFINITY : Date.parse(iso);
}

/** Red, yellow, green; within a colour the newest first, so a patient who just turned red tops the list. */
export function sortBoard(patients: readonly PatientSummary[]): PatientSummary[] {
  return [...patients].sort(
    (a, b) => TRIAGE_RANK[a.triage] - TRIAGE_RANK[b.triage] || rowTime(b) - rowTime(a) || a.id.localeCompare(b.id),
  );
}

export type MonitoringState =
  | { kind: 'paused'; until: string }
  | { kind: 'stale'; silentForMs: number }
  | { kind: 'no-data' }
  | { kind: 'active' };

/** Whether readings are expected and arriving: paused patients are not expected to send. */
export function monitoringState(p: PatientSummary, now: Date): MonitoringState {
  if (p.pausedUntil !== null && Date.parse(p.pausedUntil) > now.getTime()) return { kind: 'paused', until: p.pausedUntil };
  if (p.lastMeasurementAt === null) return { kind: 'no-data' };
  const silentForMs = now.getTime() - Date.parse(p.lastMeasurementAt);
  return silentForMs > STALE_AFTER_MS ? { kind: 'stale', silentForMs } : { kind: 'active' };
}

/** Patients red now who were known and not red before: the ones to announce. */
export function newlyRed(before: readonly PatientSummary[], after: readonly PatientSummary[]): PatientSummary[] {
  const previous = new Map(before.map((p) => [p.id, p.triage]));
  return after.filter((p) => p.triage === 'red' && previous.has(p.id) && previous.get(p.id) !== 'red');
}

const SEVERITY_RANK = { red: 0, yellow: 1 } as const;

/** Alerts still needing a nurse (open first, red first, newest first). */
export function actionableAlerts(alerts: readonly Alert[], patientId: string): Alert[] {
  return alerts
    .filter((a) => a.patientId === patientId && a.status !== 'resolved')
    .sort(
      (a, b) =>
        Number(a.status !== 'open') - Number(b.status !== 'open') ||
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        Date.parse(b.raisedAt) - Date.parse(a.raisedAt),
    );
}

/** Replaces an alert by id or adds it; newest raised first. */
export function upsertAlert(alerts: readonly Alert[], alert: Alert): Alert[] {
  const others = alerts.filter((a) => a.id !== alert.id);
  return [alert, ...others].sort((a, b) => Date.parse(b.raisedAt) - Date.parse(a.raisedAt));
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
