import type { Alert, Severity, Triage } from '@tm/contracts';
import type { Finding } from './evaluate';

/** A reading measured more than an hour before it is evaluated arrived late (a gateway flushing a backlog). */
export const DEFAULT_LATE_AFTER_MS = 60 * 60 * 1000;
/** A red alert nobody has acknowledged for 30 minutes is escalated. */
export const DEFAULT_ESCALATE_AFTER_MS = 30 * 60 * 1000;
/** Who resolves a missing-data alert when the data arrives. */
export const SYSTEM_USER = 'system';
export const MAX_NOTE_LENGTH = 2000;

/** Everything of an alert but the ids the store assigns. */
export type NewAlert = Omit<Alert, 'id' | 'patientId'>;

/**
 * What to do with the one open alert of a patient and rule. `update`, `markBackInRange` and
 * `clear` carry the alert's next state, to be written in place.
 */
export type AlertCommand =
  | { type: 'create'; alert: NewAlert }
  | { type: 'update'; alert: Alert }
  | { type: 'markBackInRange'; alert: Alert }
  | { type: 'clear'; alert: Alert }
  | { type: 'none'; reason: string };

export type AlertLifecycleErrorCode = 'ALERT_RESOLVED' | 'ALERT_ALREADY_ACKNOWLEDGED' | 'USER_REQUIRED' | 'NOTE_TOO_LONG' | 'RULE_MISMATCH';

export class AlertLifecycleError extends Error {
  override readonly name = 'AlertLifecycleError';
  constructor(
    readonly code: AlertLifecycleErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const RANK: Record<Severity, number> = { yellow: 1, red: 2 };

function worst(a: Severity, b: Severity): Severity {
  return RANK[a] >= RANK[b] ? a : b;
}

function isLate(finding: Finding, now: Date, lateAfterMs: number): boolean {
  const measured = finding.observedAt ?? finding.measuredAt;
  return measured !== null && now.getTime() - measured.getTime() > lateAfterMs;
}

/**
 * Fold one finding into the patient's open alert for its rule (pass null when there is none;
 * a resolved alert counts as none). One open alert per patient and rule: repeats update it.
 * Evaluation follows measurement time here too: a backdated reading adds to the count and the
 * worst severity, but only a reading at least as recent as the alert's latest changes the value
 * shown or says the patient is back in range.
 */
export function applyFinding(open: Alert | null, finding: Finding, now: Date, lateAfterMs: number = DEFAULT_LATE_AFTER_MS): AlertCommand {
  const current = open && open.status !== 'resolved' ? open : null;
  if (current && current.rule !== finding.rule)
    throw new AlertLifecycleError('RULE_MISMATCH', `Alert ${current.id} belongs to rule ${current.rule}, not ${finding.rule}: pass the open alert of the finding's rule`);
  const at = now.toISOString();
  const measuredAt = finding.measuredAt?.toISOString() ?? null;

  if (!current) {
    if (!finding.severity) return { type: 'none', reason: 'in range and no open alert' };
    return {
      type: 'create',
      alert: {
        rule: finding.rule,
        kind: finding.kind,
        code: finding.code,
        severity: finding.severity,
        status: 'open',
        value: finding.value,
        unit: finding.unit,
        message: finding.message,
        measuredAt,
        raisedAt: at,
        updatedAt: at,
        count: 1,
        late: isLate(finding, now, lateAfterMs),
        backInRange: false,
        escalated: false,
        threshold: { ...finding.threshold },
        acknowledgedBy: null,
        acknowledgedAt: null,
        acknowledgeNote: null,
        resolvedBy: null,
        resolvedAt: null,
        resolveNote: null,
      },
    };
  }

  const findingTime = finding.measuredAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  const alertTime = current.measuredAt ? Date.parse(current.measuredAt) : Number.NEGATIVE_INFINITY;

  if (!finding.severity) {
    if (finding.kind === 'missing')
      return {
        type: 'clear',
        alert: { ...current, status: 'resolved', backInRange: true, resolvedBy: SYSTEM_USER, resolvedAt: at, resolveNote: finding.message, updatedAt: at },
      };
    if (findingTime < alertTime) return { type: 'none', reason: 'an in-range reading older than the alert says nothing about now' };
    if (current.backInRange) return { type: 'none', reason: 'already marked back in range' };
    // Shown on the alert for the nurse to decide; a red is never resolved without a person.
    return { type: 'markBackInRange', alert: { ...current, backInRange: true, updatedAt: at } };
  }

  if (finding.kind === 'missing') return { type: 'none', reason: 'data still missing; the open alert already says so' };

  const severity = worst(current.severity, finding.severity);
  const newer = findingTime > alertTime || (findingTime === alertTime && RANK[finding.severity] > RANK[current.severity]);
  // A yellow someone acknowledged that turns red needs a person's attention again.
  const reopened = severity === 'red' && current.severity === 'yellow' && current.status === 'acknowledged';
  const latest = newer
    ? { value: finding.value, unit: finding.unit, message: finding.message, measuredAt, late: isLate(finding, now, lateAfterMs), backInRange: false, threshold: { ...finding.threshold } }
    : {};
  return {
    type: 'update',
    alert: { ...current, ...latest, severity, count: current.count + 1, status: reopened ? 'open' : current.status, updatedAt: at },
  };
}

function checkActor(user: string, note: string | null | undefined): void {
  if (!user.trim()) throw new AlertLifecycleError('USER_REQUIRED', 'Say who is acting on the alert: the user id is empty');
  if (note && note.length > MAX_NOTE_LENGTH) throw new AlertLifecycleError('NOTE_TOO_LONG', `Shorten the note to at most ${MAX_NOTE_LENGTH} characters (it has ${note.length})`);
}

function refuseResolved(alert: Alert, action: string): void {
  if (alert.status === 'resolved')
    throw new AlertLifecycleError(
      'ALERT_RESOLVED',
      `Alert ${alert.id} was resolved by ${alert.resolvedBy ?? 'someone'} at ${alert.resolvedAt ?? 'an unknown time'}; it cannot be ${action}. A new reading out of range raises a new alert.`,
    );
}

export function acknowledge(alert: Alert, user: string, note: string | null | undefined, now: Date): Alert {
  checkActor(user, note);
  refuseResolved(alert, 'acknowledged');
  if (alert.status === 'acknowledged')
    throw new AlertLifecycleError('ALERT_ALREADY_ACKNOWLEDGED', `Alert ${alert.id} was already acknowledged by ${alert.acknowledgedBy ?? 'someone'} at ${alert.acknowledgedAt ?? 'an unknown time'}`);
  const at = now.toISOString();
  return { ...alert, status: 'acknowledged', acknowledgedBy: user, acknowledgedAt: at, acknowledgeNote: note ?? null, updatedAt: at };
}

/** Resolving straight from open is allowed: a nurse who has already phoned the patient closes it in one step. */
export function resolve(alert: Alert, user: string, note: string | null | undefined, now: Date): Alert {
  checkActor(user, note);
  refuseResolved(alert, 'resolved again');
  const at = now.toISOString();
  return { ...alert, status: 'resolved', resolvedBy: user, resolvedAt: at, resolveNote: note ?? null, updatedAt: at };
}

/**
 * A red alert still open (nobody acknowledged it) escalateAfterMs after it was raised.
 * The clock runs from raisedAt: an alert raised yellow that turns red later is due at once
 * if it is older than the limit, erring on the side of a second look.
 */
export function isEscalationDue(alert: Alert, now: Date, escalateAfterMs: number = DEFAULT_ESCALATE_AFTER_MS): boolean {
  return alert.severity === 'red' && alert.status === 'open' && !alert.escalated && now.getTime() - Date.parse(alert.raisedAt) >= escalateAfterMs;
}

export function escalate(alert: Alert, now: Date): Alert {
  return { ...alert, escalated: true, updatedAt: now.toISOString() };
}

/** The patient's triage: the worst alert not yet resolved; green when there is none. */
export function triageOf(alerts: readonly Pick<Alert, 'severity' | 'status'>[]): Triage {
  let triage: Triage = 'green';
  for (const a of alerts) {
    if (a.status === 'resolved') continue;
    if (a.severity === 'red') return 'red';
    triage = 'yellow';
  }
  return triage;
}
