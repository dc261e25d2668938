import { LOINC, type Alert, type Severity, type Triage } from '@tm/contracts';
import type { Finding } from './evaluate';

/** A reading measured more than an hour before it is evaluated arrived late (a gateway flushing a backlog). */
export const DEFAULT_LATE_AFTER_MS = 60 * 60 * 1000;
/** A red alert nobody has acknowledged for 30 minutes is escalated. */
export const DEFAULT_ESCALATE_AFTER_MS = 30 * 60 * 1000;
/**
 * An acknowledgement covers the episode the nurse saw, not for ever: a red measured this long after
 * it reaches the nurse again as a new red (issue 17, item 1). 24 h: default for clinical review.
 */
export const DEFAULT_ACKNOWLEDGEMENT_EXPIRES_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * How much further from normal than the value acknowledged a later red must be to reach the nurse
 * again as a new red, by the finding's kind and code, in the finding's value (the reading, the
 * change, or the drop). A rule's own `reraiseWorseBy` replaces it. Sources in libs/rules/README.md
 * ("Worse after acknowledged"): SpO2 3 points (BTS: a fall of ≥ 3 % asks for clinical
 * assessment); the others are defaults for clinical review.
 */
export const WORSE_AFTER_ACKNOWLEDGED: Readonly<Record<string, number>> = {
  [`absolute:${LOINC.spo2}`]: 3,
  [`baseline:${LOINC.spo2}`]: 3,
  [`absolute:${LOINC.systolic}`]: 20,
  [`absolute:${LOINC.pulse}`]: 20,
  [`change:${LOINC.bodyWeight}`]: 1,
  [`absolute:${LOINC.bodyWeight}`]: 1,
  [`baseline:${LOINC.fev1}`]: 0.15,
};

export interface ApplyFindingOptions {
  /** default DEFAULT_ACKNOWLEDGEMENT_EXPIRES_AFTER_MS */
  acknowledgementExpiresAfterMs?: number;
}

/** Who resolves a missing-data alert when the data arrives. */
export const SYSTEM_USER = 'system';
export const MAX_NOTE_LENGTH = 2000;

/** Everything of an alert but the ids the store assigns. */
export type NewAlert = Omit<Alert, 'id' | 'patientId'>;

/**
 * Why an alert someone had already dealt with (acknowledged) needs a person again.
 * - `turned-red`: it was yellow and a red reading came in;
 * - `red-again`: the patient was back in range after the acknowledgement, and a new red came in;
 * - `worse`: a red materially worse than the value acknowledged (WORSE_AFTER_ACKNOWLEDGED);
 * - `acknowledgement-expired`: a red measured long after the acknowledgement (24 h by default).
 */
export type ReraiseReason = 'turned-red' | 'red-again' | 'worse' | 'acknowledgement-expired';

/**
 * What to do with the one open alert of a patient and rule. `update`, `reraise`,
 * `markBackInRange` and `clear` carry the alert's next state, to be written in place.
 * - `create`: a new alert; announce it (a red is a new red for the nurse).
 * - `update`: the alert changed; `worsened` when a yellow nobody had acknowledged turned red
 *   (announce and count it as a red raised).
 * - `reraise`: an acknowledged alert is open again as a new red (status `open`, `reraisedAt` now,
 *   escalation clock restarted): announce and count it as a red raised, put it at the top.
 */
export type AlertCommand =
  | { type: 'create'; alert: NewAlert }
  | { type: 'update'; alert: Alert; worsened: boolean }
  | { type: 'reraise'; alert: Alert; reason: ReraiseReason }
  | { type: 'markBackInRange'; alert: Alert }
  | { type: 'clear'; alert: Alert }
  | { type: 'none'; reason: string };

/**
 * The severity a command raises for the nurse — the one to count in tm_alerts_raised_total and to
 * announce ("Ny rød") — or null when it raises nothing new.
 */
export function raisedSeverity(command: AlertCommand): Severity | null {
  switch (command.type) {
    case 'create':
      return command.alert.severity;
    case 'reraise':
      return 'red';
    case 'update':
      return command.worsened ? 'red' : null;
    case 'markBackInRange':
    case 'clear':
    case 'none':
      return null;
  }
}

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

/**
 * The episode the nurse acknowledged is over: the patient has been back in range since she
 * acknowledged it. A red after that is a new red, not a repeat; a red after the patient only
 * eased to yellow is the same episode (a patient hovering at the red limit does not re-raise on
 * every other reading).
 */
function backInRangeSinceAcknowledged(alert: Alert): boolean {
  if (alert.backInRange) return true;
  if (!alert.backInRangeAt || !alert.acknowledgedAt) return false;
  return Date.parse(alert.backInRangeAt) >= Date.parse(alert.acknowledgedAt);
}

/**
 * How much further from normal `value` is than `reference`, in the finding's terms: for a low
 * absolute limit lower is worse; for everything else (a high limit, a change, a drop) higher is.
 */
function worseBy(finding: Finding, value: number, reference: number): number {
  const t = finding.threshold as { kind?: string; direction?: string };
  return t.kind === 'absolute' && t.direction === 'low' ? reference - value : value - reference;
}

/** The amount that makes a later red "materially worse", or null when the rule has none. */
function worseThreshold(finding: Finding): number | null {
  const own = (finding.threshold as { reraiseWorseBy?: number }).reraiseWorseBy;
  if (own !== undefined) return own;
  return WORSE_AFTER_ACKNOWLEDGED[`${finding.kind}:${finding.code ?? ''}`] ?? null;
}

function isMateriallyWorse(current: Alert, finding: Finding): boolean {
  const reference = current.acknowledgedValue ?? current.value;
  const limit = worseThreshold(finding);
  if (reference === null || finding.value === null || limit === null) return false;
  return Math.round(worseBy(finding, finding.value, reference) * 1e6) / 1e6 >= limit;
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
 * shown or says the patient is back in range — except a late red that makes a yellow alert red,
 * whose value and message then explain the red.
 *
 * An acknowledged alert that gets a red it has not shown — it was yellow, or the patient has been
 * back in range since the acknowledgement, or the red is materially worse than the value
 * acknowledged, or it was measured long after the acknowledgement — is a new red for the nurse:
 * `reraise`, open again. A questionnaire answer milder than the alert's colour counts, but does not
 * replace the answer that gave the colour (a red card never shows a yellow reason).
 */
export function applyFinding(
  open: Alert | null,
  finding: Finding,
  now: Date,
  lateAfterMs: number = DEFAULT_LATE_AFTER_MS,
  options: ApplyFindingOptions = {},
): AlertCommand {
  const current = open && open.status !== 'resolved' ? open : null;
  if (current && current.rule !== finding.rule)
    throw new AlertLifecycleError('RULE_MISMATCH', `Alert ${current.id} belongs to rule ${current.rule}, not ${finding.rule}: pass the open alert of the finding's rule`);
  const at = now.toISOString();
  const measuredAt = finding.measuredAt?.toISOString() ?? null;
  const shown = {
    value: finding.value,
    unit: finding.unit,
    message: finding.message,
    messageKey: finding.messageKey,
    messageParams: { ...finding.messageParams },
    measuredAt,
    late: isLate(finding, now, lateAfterMs),
    threshold: { ...finding.threshold },
  };

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
        ...shown,
        raisedAt: at,
        updatedAt: at,
        count: 1,
        backInRange: false,
        escalated: false,
        backInRangeAt: null,
        reraisedAt: null,
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
        alert: { ...current, status: 'resolved', backInRange: true, backInRangeAt: at, resolvedBy: SYSTEM_USER, resolvedAt: at, resolveNote: finding.message, updatedAt: at },
      };
    if (findingTime < alertTime) return { type: 'none', reason: 'an in-range reading older than the alert says nothing about now' };
    if (current.backInRange) return { type: 'none', reason: 'already marked back in range' };
    // Shown on the alert for the nurse to decide; a red is never resolved without a person.
    return { type: 'markBackInRange', alert: { ...current, backInRange: true, backInRangeAt: at, updatedAt: at } };
  }

  if (finding.kind === 'missing') return { type: 'none', reason: 'data still missing; the open alert already says so' };

  const severity = worst(current.severity, finding.severity);
  const newer = findingTime > alertTime || (findingTime === alertTime && RANK[finding.severity] > RANK[current.severity]);
  const upgrades = RANK[finding.severity] > RANK[current.severity];
  const milderAnswer = finding.kind === 'questionnaire' && RANK[finding.severity] < RANK[current.severity];
  const latest = newer ? (milderAnswer ? { backInRange: false } : { ...shown, backInRange: false }) : upgrades ? shown : {};
  const next: Alert = { ...current, ...latest, severity, count: current.count + 1, updatedAt: at };

  if (finding.severity === 'red' && current.status === 'acknowledged') {
    // A yellow someone acknowledged that turns red, or a red that comes back after the patient was
    // back in range, needs a person's attention again: a new red, not a repeat.
    const expiresAfterMs = options.acknowledgementExpiresAfterMs ?? DEFAULT_ACKNOWLEDGEMENT_EXPIRES_AFTER_MS;
    const expired = current.acknowledgedAt !== null && findingTime - Date.parse(current.acknowledgedAt) >= expiresAfterMs;
    const reason: ReraiseReason | null =
      current.severity === 'yellow'
        ? 'turned-red'
        : !newer
          ? null
          : backInRangeSinceAcknowledged(current)
            ? 'red-again'
            : isMateriallyWorse(current, finding)
              ? 'worse'
              : expired
                ? 'acknowledgement-expired'
                : null;
    if (reason) return { type: 'reraise', reason, alert: { ...next, status: 'open', escalated: false, reraisedAt: at } };
  }
  return { type: 'update', worsened: current.status === 'open' && current.severity === 'yellow' && severity === 'red', alert: next };
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
  // The value the nurse saw: a later red materially worse than it is a new red (applyFinding).
  return { ...alert, status: 'acknowledged', acknowledgedBy: user, acknowledgedAt: at, acknowledgeNote: note ?? null, acknowledgedValue: alert.value, updatedAt: at };
}

/** Resolving straight from open is allowed: a nurse who has already phoned the patient closes it in one step. */
export function resolve(alert: Alert, user: string, note: string | null | undefined, now: Date): Alert {
  checkActor(user, note);
  refuseResolved(alert, 'resolved again');
  const at = now.toISOString();
  return { ...alert, status: 'resolved', resolvedBy: user, resolvedAt: at, resolveNote: note ?? null, updatedAt: at };
}

/**
 * A red alert still open (nobody acknowledged it) escalateAfterMs after it was raised — or after
 * it was raised again (`reraisedAt`), which restarts the clock. An alert raised yellow that turns
 * red later is due at once if it is older than the limit, erring on the side of a second look.
 */
export function isEscalationDue(alert: Alert, now: Date, escalateAfterMs: number = DEFAULT_ESCALATE_AFTER_MS): boolean {
  const since = Date.parse(alert.reraisedAt ?? alert.raisedAt);
  return alert.severity === 'red' && alert.status === 'open' && !alert.escalated && now.getTime() - since >= escalateAfterMs;
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
