import type { MeasurementType, Severity, ThresholdRule } from '@tm/contracts';
import { durationText, formatNumber, nameOf, typeName, unitText, withUnit } from './wording';

type AbsoluteRule = Extract<ThresholdRule, { kind: 'absolute' }>;
type ChangeRule = Extract<ThresholdRule, { kind: 'change' }>;
type BaselineRule = Extract<ThresholdRule, { kind: 'baseline' }>;
type MissingRule = Extract<ThresholdRule, { kind: 'missing' }>;
export type RuleKind = ThresholdRule['kind'];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** One stored component of a measurement: the unit of evaluation. */
export interface ObservationPoint {
  measurementId: string;
  code: string;
  value: number;
  unit: string;
  measuredAt: Date;
}

/**
 * The verdict of one rule on one observation (or, for missing data, on one measurement type).
 * `severity: null` means in range: the lifecycle uses it to mark an open alert back in range.
 */
export interface Finding<R extends ThresholdRule = ThresholdRule> {
  rule: string;
  kind: RuleKind;
  code: string | null;
  severity: Severity | null;
  /** absolute: the reading; change: the change; baseline: the drop (points, or SDs); missing: hours without data */
  value: number | null;
  unit: string | null;
  message: string;
  /** the time the finding describes: the reading, the end of the change span, or the last data of the type */
  measuredAt: Date | null;
  /** the observation whose arrival produced the finding (null for missing data) */
  measurementId: string | null;
  /** when that observation was measured; lateness is judged on it */
  observedAt: Date | null;
  /** the rule object that applied, as passed in (extra fields such as effectiveFrom travel with it) */
  threshold: R;
}

/** How much history around a new reading a rule needs, by measurement time. */
export interface HistoryWindow {
  code: string;
  beforeMs: number;
  afterMs: number;
}

export function historyWindowFor(rule: ThresholdRule): HistoryWindow | null {
  switch (rule.kind) {
    case 'absolute':
    case 'missing':
      return null;
    case 'change':
      // Backdated readings may land before or after the points already stored.
      return { code: rule.code, beforeMs: rule.windowHours * HOUR_MS, afterMs: rule.windowHours * HOUR_MS };
    case 'baseline':
      return { code: rule.code, beforeMs: rule.windowDays * DAY_MS, afterMs: 0 };
  }
}

/** The history to load for a set of new observations: one measurement-time range per code. */
export function historyRangesFor(rules: readonly ThresholdRule[], observations: readonly ObservationPoint[]): { code: string; from: Date; to: Date }[] {
  const ranges = new Map<string, { from: number; to: number }>();
  for (const rule of rules) {
    const window = historyWindowFor(rule);
    if (!window) continue;
    for (const o of observations) {
      if (o.code !== window.code) continue;
      const from = o.measuredAt.getTime() - window.beforeMs;
      const to = o.measuredAt.getTime() + window.afterMs;
      const r = ranges.get(window.code);
      ranges.set(window.code, r ? { from: Math.min(r.from, from), to: Math.max(r.to, to) } : { from, to });
    }
  }
  return [...ranges].map(([code, r]) => ({ code, from: new Date(r.from), to: new Date(r.to) }));
}

/**
 * Evaluate new observations against the rules in force. `history` holds the stored points a
 * window or baseline rule needs (see historyRangesFor); it may include the new observations
 * themselves and may be in any order: evaluation follows measuredAt, never arrival.
 * Missing-data rules are not evaluated here: see missingData.
 */
export function evaluate<R extends ThresholdRule>(
  rules: readonly R[],
  observations: readonly ObservationPoint[],
  history: readonly ObservationPoint[],
): Finding<R>[] {
  const points = uniquePoints([...history, ...observations]);
  const ordered = [...observations].sort((a, b) => a.measuredAt.getTime() - b.measuredAt.getTime());
  const findings: Finding<R>[] = [];
  for (const o of ordered) {
    for (const rule of rules) {
      const finding = evaluateOne(rule, o, points);
      if (finding) findings.push(finding);
    }
  }
  return findings;
}

function evaluateOne<R extends ThresholdRule>(threshold: R, o: ObservationPoint, points: readonly ObservationPoint[]): Finding<R> | null {
  const rule: ThresholdRule = threshold;
  if (rule.kind === 'missing' || rule.code !== o.code) return null;
  const verdict = judge(rule, o, points);
  if (!verdict) return null;
  return {
    rule: rule.rule,
    kind: rule.kind,
    code: rule.code,
    measurementId: o.measurementId,
    observedAt: o.measuredAt,
    threshold,
    ...verdict,
  };
}

type Verdict = Pick<Finding, 'severity' | 'value' | 'unit' | 'message' | 'measuredAt'>;

function judge(rule: AbsoluteRule | ChangeRule | BaselineRule, o: ObservationPoint, points: readonly ObservationPoint[]): Verdict | null {
  switch (rule.kind) {
    case 'absolute':
      return rule.unit === o.unit ? absolute(rule, o) : null;
    case 'change':
      return rule.unit === o.unit ? change(rule, o, points) : null;
    case 'baseline':
      return baseline(rule, o, points);
  }
}

/**
 * Absolute limits are strict: the limit itself is in range. The guidance is written that way
 * ("SpO2 below 92 %", "systolic above 180"), and BTS puts 88 % inside the COPD target range.
 */
function absolute(rule: AbsoluteRule, o: ObservationPoint): Verdict {
  const beyond = (limit: number | undefined) => limit !== undefined && (rule.direction === 'low' ? o.value < limit : o.value > limit);
  const severity: Severity | null = beyond(rule.red) ? 'red' : beyond(rule.yellow) ? 'yellow' : null;
  const limit = severity === 'red' ? rule.red : rule.yellow;
  const message =
    severity && limit !== undefined
      ? `${nameOf(o.code)} ${withUnit(o.value, o.unit)} is ${rule.direction === 'low' ? 'below' : 'above'} ${withUnit(limit, o.unit)}`
      : `${nameOf(o.code)} ${withUnit(o.value, o.unit)} is within limits`;
  return { severity, value: o.value, unit: o.unit, message, measuredAt: o.measuredAt };
}

/**
 * Change and baseline limits are amounts ("a gain of 2 kg", "4 points below"): reaching the
 * amount counts. Rounded first so 82.1 - 80.1 is 2, not 1.9999999999999.
 */
function bySize(amount: number, yellow: number | undefined, red: number | undefined): Severity | null {
  const a = Math.round(amount * 1e6) / 1e6;
  if (red !== undefined && a >= red) return 'red';
  if (yellow !== undefined && a >= yellow) return 'yellow';
  return null;
}

/**
 * The largest rise (or fall) between the new reading and any other reading of the same code
 * within windowHours of it, before or after. Every pair of readings is judged exactly once, when
 * the later-arriving of the two comes in, so a backlog in shuffled order finds the same changes.
 */
function change(rule: ChangeRule, o: ObservationPoint, points: readonly ObservationPoint[]): Verdict | null {
  const windowMs = rule.windowHours * HOUR_MS;
  const t = o.measuredAt.getTime();
  let best: { amount: number; from: ObservationPoint; to: ObservationPoint } | null = null;
  for (const q of points) {
    if (q.code !== o.code || q.unit !== o.unit || q.measurementId === o.measurementId) continue;
    if (Math.abs(q.measuredAt.getTime() - t) > windowMs) continue;
    const [from, to] = q.measuredAt.getTime() <= t ? [q, o] : [o, q];
    const delta = to.value - from.value;
    const amount = Math.round((rule.direction === 'rise' ? delta : -delta) * 1e6) / 1e6;
    if (!best || amount > best.amount || (amount === best.amount && to.measuredAt > best.to.measuredAt)) best = { amount, from, to };
  }
  if (!best) return null;
  const severity = bySize(best.amount, rule.yellow, rule.red);
  const name = nameOf(o.code);
  const span = `(${formatNumber(best.from.value)} → ${withUnit(best.to.value, o.unit)})`;
  const message =
    best.amount > 0
      ? `${name} ${rule.direction === 'rise' ? 'up' : 'down'} ${withUnit(best.amount, o.unit)} in ${durationText(rule.windowHours)} ${span}`
      : `${name} has not ${rule.direction === 'rise' ? 'risen' : 'fallen'} in ${durationText(rule.windowHours)}`;
  return { severity, value: best.amount, unit: o.unit, message, measuredAt: best.to.measuredAt };
}

/**
 * Drop below the patient's own baseline, computed from the readings in the window BEFORE the new
 * one. With fewer than minSamples there is no baseline yet, and no finding.
 */
function baseline(rule: BaselineRule, o: ObservationPoint, points: readonly ObservationPoint[]): Verdict | null {
  const t = o.measuredAt.getTime();
  const since = t - rule.windowDays * DAY_MS;
  const prior = points
    .filter((q) => q.code === o.code && q.unit === o.unit && q.measurementId !== o.measurementId)
    .filter((q) => q.measuredAt.getTime() >= since && q.measuredAt.getTime() < t)
    .map((q) => q.value);
  if (prior.length < rule.minSamples) return null;
  const name = nameOf(o.code);
  const window = `${formatNumber(rule.windowDays)}-day`;
  if (rule.statistic === 'median') {
    const m = median(prior);
    const drop = Math.round((m - o.value) * 1e6) / 1e6;
    const severity = bySize(drop, rule.yellow, rule.red);
    const amount = o.unit === '%' ? `${formatNumber(drop)} points` : withUnit(drop, o.unit);
    const message =
      drop > 0
        ? `${name} ${withUnit(o.value, o.unit)} is ${amount} below the ${window} median of ${withUnit(m, o.unit)}`
        : `${name} ${withUnit(o.value, o.unit)} is not below the ${window} median of ${withUnit(m, o.unit)}`;
    return { severity, value: drop, unit: o.unit === '%' ? 'points' : o.unit, message, measuredAt: o.measuredAt };
  }
  const mean = prior.reduce((s, v) => s + v, 0) / prior.length;
  const sd = Math.sqrt(prior.reduce((s, v) => s + (v - mean) ** 2, 0) / (prior.length - 1));
  // Identical readings give no spread to measure a drop against.
  if (sd === 0) return null;
  const sds = Math.round(((mean - o.value) / sd) * 100) / 100;
  const severity = bySize(sds, rule.yellow, rule.red);
  const message =
    sds > 0
      ? `${name} ${withUnit(o.value, o.unit)} is ${formatNumber(sds)} SD below the ${window} mean of ${withUnit(mean, o.unit)}`
      : `${name} ${withUnit(o.value, o.unit)} is not below the ${window} mean of ${withUnit(mean, o.unit)}`;
  return { severity, value: sds, unit: 'SD', message, measuredAt: o.measuredAt };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const hi = s[mid] ?? 0;
  return s.length % 2 === 1 ? hi : ((s[mid - 1] ?? hi) + hi) / 2;
}

function uniquePoints(points: readonly ObservationPoint[]): ObservationPoint[] {
  const seen = new Map<string, ObservationPoint>();
  for (const p of points) seen.set(`${p.measurementId}\u0000${p.code}`, p);
  return [...seen.values()];
}

/**
 * Missing data ("blue alarm"): one finding per missing-data rule. A type never received counts
 * from monitoredSince (enrolment); without either the data is missing now. Call it on a timer
 * and after each stored measurement: the in-range finding then clears the open alert.
 * Not received within afterHours means strictly more than afterHours have passed.
 */
export function missingData<R extends ThresholdRule>(
  rules: readonly R[],
  lastSeenByType: Partial<Record<MeasurementType, Date>>,
  now: Date,
  monitoredSince?: Date,
): Finding<R>[] {
  const findings: Finding<R>[] = [];
  for (const threshold of rules) {
    const rule: ThresholdRule = threshold;
    if (rule.kind !== 'missing') continue;
    findings.push({ ...missingVerdict(rule, lastSeenByType[rule.type], now, monitoredSince), threshold });
  }
  return findings;
}

function missingVerdict(rule: MissingRule, lastSeen: Date | undefined, now: Date, monitoredSince: Date | undefined): Omit<Finding, 'threshold'> {
  const base = { rule: rule.rule, kind: rule.kind, code: null, measurementId: null, observedAt: null, measuredAt: lastSeen ?? null };
  const what = typeName(rule.type);
  const expected = `expected at least every ${durationText(rule.afterHours)}`;
  const reference = lastSeen ?? monitoredSince;
  if (!reference) return { ...base, severity: rule.severity, value: null, unit: null, message: `No ${what} received yet (${expected})` };
  const hours = Math.max(0, Math.round(((now.getTime() - reference.getTime()) / HOUR_MS) * 10) / 10);
  const late = now.getTime() - reference.getTime() > rule.afterHours * HOUR_MS;
  const message = late
    ? lastSeen
      ? `No ${what} for ${formatNumber(hours)} h (${expected})`
      : `No ${what} received in ${formatNumber(hours)} h since monitoring began (${expected})`
    : `${what[0]?.toUpperCase()}${what.slice(1)} received ${formatNumber(hours)} h ago`;
  return { ...base, severity: late ? rule.severity : null, value: hours, unit: unitText('h'), message };
}
