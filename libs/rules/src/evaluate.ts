import { localDate, startOfLocalDay, MEASUREMENT_TYPES, readingQualityProblems, TYPE_COMPONENTS, type AlertRule, type Flags, type MeasurementType, type ObservationCode, type RuleKind as AlertKind, type Severity, type ThresholdRule } from '@tm/contracts';
import { alertMessage, type MessageKey, type MessageParams } from './messages';
import { PLAN_TIME_ZONE } from './plan-calendar';
import { DEFAULT_LOCALE, type Locale } from './wording';

type AbsoluteRule = Extract<ThresholdRule, { kind: 'absolute' }>;
type ChangeRule = Extract<ThresholdRule, { kind: 'change' }>;
type BaselineRule = Extract<ThresholdRule, { kind: 'baseline' }>;
type MissingRule = Extract<ThresholdRule, { kind: 'missing' }>;
type FlagRule = Extract<ThresholdRule, { kind: 'flag' }>;
/** Every kind a finding (and its alert) can have: the threshold rules' kinds and `questionnaire`. */
export type RuleKind = AlertKind;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MINUTE_MS = 60_000;

/**
 * A reading the device flagged (low perfusion, body movement) asks for a repeat; but those flags
 * are typical of a sick patient, so a second red-level reading of the code within this time (flagged
 * or not) makes it red (issue 17, item 4). 30 min: default for clinical review.
 */
export const FLAGGED_RED_REPEAT_WINDOW_MS = 30 * MINUTE_MS;

/** One stored component of a measurement: the unit of evaluation. */
export interface ObservationPoint {
  measurementId: string;
  code: string;
  value: number;
  unit: string;
  measuredAt: Date;
  /**
   * The measurement's flags as the device reported them (every component of a measurement carries
   * the same). Quality flags (UNTRUSTED_READING_FLAGS in @tm/contracts) make the reading ask for a
   * repeat instead of raising red, and keep it out of other readings' baselines and change windows;
   * flag rules (irregular pulse) read them too. Pass them for history points as well.
   */
  flags?: Readonly<Flags> | undefined;
  /**
   * The measurement time is not known for certain (timeSource 'gateway' for stored records of a
   * device whose clock was not set): the reading is judged on its value, never as within a change
   * window or a baseline. A flag `timeUncertain: true` says the same.
   */
  timeUncertain?: boolean | undefined;
  /** the measurement's type; inferred from the codes of its components when absent */
  type?: MeasurementType | undefined;
}

/**
 * The verdict of one rule on one observation (or, for missing data, on one measurement type).
 * `severity: null` means in range: the lifecycle uses it to mark an open alert back in range.
 */
export interface Finding<R extends AlertRule = AlertRule> {
  rule: string;
  kind: RuleKind;
  code: string | null;
  severity: Severity | null;
  /**
   * absolute: the reading; change: the change; baseline: the drop (points for %, else the code's
   * unit); missing: hours without data; flag: null; a reading the device flagged: the reading
   */
  value: number | null;
  unit: string | null;
  /** the sentence in the language evaluation was asked for (Danish by default) */
  message: string;
  /** the sentence as a key and parameters: render it per client with alertMessage */
  messageKey: MessageKey;
  messageParams: MessageParams;
  /** the time the finding describes: the reading, the end of the change span, or the last data of the type */
  measuredAt: Date | null;
  /** the observation whose arrival produced the finding (null for missing data) */
  measurementId: string | null;
  /** when that observation was measured; lateness is judged on it */
  observedAt: Date | null;
  /** the rule object that applied, as passed in (extra fields such as effectiveFrom travel with it) */
  threshold: R;
}

export interface EvaluateOptions {
  /** the language of `message` (messageKey and messageParams are the same in every language); default Danish */
  locale?: Locale;
  /** the time zone of "the first reading of the day" (change rules comparing first-of-day); default the plan's (Copenhagen) */
  timeZone?: string;
}

/** How much history around a new reading a rule needs, by measurement time. */
export interface HistoryWindow {
  code: string;
  beforeMs: number;
  afterMs: number;
}

export function historyWindowFor(rule: ThresholdRule): HistoryWindow | null {
  switch (rule.kind) {
    case 'missing':
    case 'flag':
      return null;
    case 'absolute': {
      // a repeat that confirms a red (a flagged red, or a rule that asks for confirmation)
      const ms = repeatWindowMs(rule);
      return { code: rule.code, beforeMs: ms, afterMs: ms };
    }
    case 'change': {
      // Backdated readings may land before or after the points already stored; first-of-day needs the day before the window too.
      const ms = changeWindowMs(rule);
      return { code: rule.code, beforeMs: ms + (rule.compare === 'first-of-day' ? DAY_MS : 0), afterMs: ms };
    }
    case 'baseline':
      return { code: rule.code, beforeMs: Math.max(rule.windowDays * DAY_MS, repeatWindowMs(rule)), afterMs: repeatWindowMs(rule) };
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
 * themselves and may be in any order.
 *
 * The new observations may be a whole batch: they are judged one by one in measuredAt order, each
 * against the history and the batch's earlier observations, so the findings come out in the order
 * the lifecycle should fold them, and each pair of readings is judged once. Flag rules are judged
 * once per measurement. Missing-data rules are not evaluated here: see missingData.
 */
export function evaluate<R extends ThresholdRule>(
  rules: readonly R[],
  observations: readonly ObservationPoint[],
  history: readonly ObservationPoint[],
  options: EvaluateOptions = {},
): Finding<R>[] {
  const locale = options.locale ?? DEFAULT_LOCALE;
  const timeZone = options.timeZone ?? PLAN_TIME_ZONE;
  const batch = uniquePoints(observations).sort((a, b) => a.measuredAt.getTime() - b.measuredAt.getTime());
  const inBatch = new Set(batch.map(pointKey));
  const seen = new PointsByCode(uniquePoints(history).filter((p) => !inBatch.has(pointKey(p))));
  const measurements = new Map<string, ObservationPoint[]>();
  for (const o of batch) measurements.set(o.measurementId, [...(measurements.get(o.measurementId) ?? []), o]);

  const findings: Finding<R>[] = [];
  const flagsJudged = new Set<string>();
  for (const o of batch) {
    const own: Finding<R>[] = [];
    for (const threshold of rules) {
      const rule: ThresholdRule = threshold;
      let verdict: Verdict | null;
      if (rule.kind === 'flag') {
        // switched off for this patient by a physician (known permanent AF)
        if (flagsJudged.has(o.measurementId) || rule.off === true) continue;
        verdict = flagVerdict(rule, measurements.get(o.measurementId) ?? [o], o);
      } else if (rule.kind === 'missing' || rule.code !== o.code) {
        continue;
      } else {
        verdict = judge(rule, o, seen, timeZone);
      }
      if (verdict) own.push(findingOf(threshold, o, verdict, locale));
    }
    flagsJudged.add(o.measurementId);
    findings.push(...onePerReading(own));
    seen.add(o);
  }
  return findings;
}

interface Verdict {
  severity: Severity | null;
  value: number | null;
  unit: string | null;
  key: MessageKey;
  params: MessageParams;
  measuredAt: Date;
  /** whether a reading of this value would be red by the same rule and reference (for repeats that confirm a red) */
  redAt?: (value: number) => boolean;
}

function findingOf<R extends ThresholdRule>(threshold: R, o: ObservationPoint, v: Verdict, locale: Locale): Finding<R> {
  const rule: ThresholdRule = threshold;
  return {
    rule: rule.rule,
    kind: rule.kind,
    code: rule.kind === 'flag' || rule.kind === 'missing' ? null : rule.code,
    severity: v.severity,
    value: v.value,
    unit: v.unit,
    message: alertMessage(v.key, v.params, locale),
    messageKey: v.key,
    messageParams: v.params,
    measuredAt: v.measuredAt,
    measurementId: o.measurementId,
    observedAt: o.measuredAt,
    threshold,
  };
}

/** A reading no body could make is one "check the reading", however many weight rules see it. */
function onePerReading<F extends Finding>(findings: F[]): F[] {
  let checked = false;
  return findings.filter((f) => {
    if (f.messageKey !== 'change.implausible') return true;
    if (checked) return false;
    checked = true;
    return true;
  });
}

function judge(rule: AbsoluteRule | ChangeRule | BaselineRule, o: ObservationPoint, seen: PointsByCode, timeZone: string): Verdict | null {
  let verdict: Verdict | null;
  switch (rule.kind) {
    case 'absolute':
      verdict = rule.unit === o.unit ? absolute(rule, o) : null;
      break;
    case 'change':
      // An uncertain time is never "within 3 days" of anything.
      verdict = rule.unit === o.unit && !isTimeUncertain(o) ? change(rule, o, seen, timeZone) : null;
      break;
    case 'baseline':
      verdict = isTimeUncertain(o) ? null : baseline(rule, o, seen);
      break;
  }
  return verdict && trusted(verdict, o, rule, seen);
}

/** How far around a reading a repeat confirms its red: the rule's confirmation window, at least the flagged-red window. */
function repeatWindowMs(rule: AbsoluteRule | BaselineRule): number {
  return Math.max(FLAGGED_RED_REPEAT_WINDOW_MS, (rule.confirmRedWithinMinutes ?? 0) * MINUTE_MS);
}

/**
 * Other red-level readings of the code, at a known time, within `windowMs` of the reading (before
 * or after, flagged or not): the repeats that confirm a red.
 */
function redRepeats(v: Verdict, o: ObservationPoint, seen: PointsByCode, windowMs: number): ObservationPoint[] {
  const isRed = v.redAt;
  if (!isRed) return [];
  const t = o.measuredAt.getTime();
  return seen
    .between(o.code, t - windowMs, t + windowMs)
    .filter((q) => q.unit === o.unit && q.measurementId !== o.measurementId && !isTimeUncertain(q) && isRed(q.value));
}

/**
 * What the device's own doubts, and the rule's wish for a repeat, do to a verdict. A reading the
 * device flagged asks for a repeat (yellow), never red on its own — unless another red-level
 * reading of the code came within FLAGGED_RED_REPEAT_WINDOW_MS: repeated reds are red. A rule with
 * `confirmRedWithinMinutes` asks for a repeat of a red from one reading alone (yellow "repeat to
 * confirm"); the repeat within that time makes it red. Neither a flagged reading nor one of
 * uncertain time says that the patient is back in range now.
 */
function trusted(v: Verdict, o: ObservationPoint, rule: AbsoluteRule | ChangeRule | BaselineRule, seen: PointsByCode): Verdict | null {
  const problems = readingQualityProblems(o.flags);
  const uncertain = isTimeUncertain(o);
  if (v.severity === null) return problems.length > 0 || uncertain ? null : v;
  const timeParam: MessageParams = uncertain ? { timeUncertain: 1 } : {};
  const repeat = (key: MessageKey, extra: MessageParams): Verdict => ({
    severity: 'yellow',
    value: o.value,
    unit: o.unit,
    key,
    params: { code: o.code, unit: o.unit, value: o.value, ...extra, ...timeParam },
    measuredAt: o.measuredAt,
  });
  if (problems.length > 0 && v.key !== 'change.implausible') {
    const repeats = v.severity === 'red' && !uncertain ? redRepeats(v, o, seen, FLAGGED_RED_REPEAT_WINDOW_MS) : [];
    if (repeats.length === 0) return repeat('reading.flagged', { flags: problems.join(',') });
    return { ...v, key: 'reading.flaggedRepeated', params: { code: o.code, unit: o.unit, value: o.value, flags: problems.join(','), repeats: repeats.length + 1, minutes: FLAGGED_RED_REPEAT_WINDOW_MS / MINUTE_MS, ...timeParam } };
  }
  const confirmMinutes = rule.kind === 'change' ? undefined : rule.confirmRedWithinMinutes;
  if (v.severity === 'red' && confirmMinutes !== undefined && redRepeats(v, o, seen, confirmMinutes * MINUTE_MS).length === 0)
    return { ...repeat('reading.confirm', { minutes: confirmMinutes }), value: v.value, unit: v.unit };
  return { ...v, params: { ...v.params, ...timeParam } };
}

/**
 * Absolute limits are strict: the limit itself is in range. The guidance is written that way
 * ("SpO2 below 92 %", "systolic above 180"), and BTS puts 88 % inside the COPD target range.
 */
/** Past an absolute limit in the rule's direction; a value exactly at the limit is within it. */
export const beyondLimit = (direction: AbsoluteRule['direction'], value: number, limit: number | undefined): boolean =>
  limit !== undefined && (direction === 'low' ? value < limit : value > limit);

function absolute(rule: AbsoluteRule, o: ObservationPoint): Verdict {
  const beyond = (limit: number | undefined) => beyondLimit(rule.direction, o.value, limit);
  const severity: Severity | null = beyond(rule.red) ? 'red' : beyond(rule.yellow) ? 'yellow' : null;
  const limit = severity === 'red' ? rule.red : rule.yellow;
  const base = { severity, value: o.value, unit: o.unit, measuredAt: o.measuredAt, redAt: (v: number) => beyondLimit(rule.direction, v, rule.red) };
  const target: MessageParams = rule.target !== undefined ? { target: rule.target, above: round(o.value - rule.target, 2) } : {};
  if (severity && limit !== undefined) {
    const key: MessageKey = rule.target !== undefined && rule.direction === 'high' ? 'absolute.aboveTarget' : rule.direction === 'low' ? 'absolute.below' : 'absolute.above';
    return { ...base, key, params: { code: o.code, unit: o.unit, value: o.value, limit, ...target } };
  }
  return { ...base, key: 'absolute.inRange', params: { code: o.code, unit: o.unit, value: o.value, ...target } };
}

/** Amounts are rounded first so 82.1 - 80.1 is 2, not 1.9999999999999. */
const round = (x: number, digits = 6) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Change and baseline limits are amounts ("a gain of 2 kg", "4 points below"): reaching the
 * amount counts.
 */
function bySize(amount: number, yellow: number | undefined, red: number | undefined): Severity | null {
  const a = round(amount);
  if (red !== undefined && a >= red) return 'red';
  if (yellow !== undefined && a >= yellow) return 'yellow';
  return null;
}

/** The window plus its grace: daily weighings 72 h and 10 min apart are still "within 3 days". */
function changeWindowMs(rule: ChangeRule): number {
  return (rule.windowHours + (rule.graceHours ?? 0)) * HOUR_MS;
}

interface Pair {
  amount: number;
  from: ObservationPoint;
  to: ObservationPoint;
  gapMs: number;
}

/** More than a body can change: `above` per `withinHours` of the span, and at least `above`. */
function isImplausible(rule: ChangeRule, magnitude: number, gapMs: number): boolean {
  const limit = rule.implausible;
  return limit !== undefined && magnitude > limit.above * Math.max(1, gapMs / (limit.withinHours * HOUR_MS));
}

/**
 * The largest rise (or fall) between the new reading and any other trusted reading of the same
 * code within the window of it, before or after. Every pair of readings is judged exactly once,
 * when the later-arriving of the two comes in, so a backlog in shuffled order finds the same
 * changes. A pair that changes more than a body can is "check the reading" (yellow), never red:
 * it is left out of the largest change, and reported only when nothing plausible is out of range.
 */
function change(rule: ChangeRule, o: ObservationPoint, seen: PointsByCode, timeZone: string): Verdict | null {
  const windowMs = changeWindowMs(rule);
  const t = o.measuredAt.getTime();
  // like with like: only the first reading of each local day counts (a morning weight), when the rule says so
  const firstOfDay = rule.compare === 'first-of-day';
  const oCounts = !firstOfDay || isFirstOfDay(o, seen, timeZone, null);
  let best: Pair | null = null;
  let odd: Pair | null = null;
  let suspect = false;
  for (const q of seen.between(o.code, t - windowMs, t + windowMs)) {
    if (q.code !== o.code || q.unit !== o.unit || q.measurementId === o.measurementId || !comparable(q)) continue;
    const gapMs = Math.abs(q.measuredAt.getTime() - t);
    if (gapMs > windowMs) continue;
    const [from, to] = q.measuredAt.getTime() <= t ? [q, o] : [o, q];
    const delta = round(to.value - from.value);
    const amount = rule.direction === 'rise' ? delta : -delta;
    const pair = { amount, from, to, gapMs };
    if (isImplausible(rule, Math.abs(delta), gapMs)) {
      suspect = true;
      if (amount > 0 && (!odd || amount > odd.amount)) odd = pair;
      continue;
    }
    if (!oCounts || (firstOfDay && !isFirstOfDay(q, seen, timeZone, o))) continue;
    if (!best || amount > best.amount || (amount === best.amount && to.measuredAt > best.to.measuredAt)) best = pair;
  }
  const severity = best ? bySize(best.amount, rule.yellow, rule.red) : null;
  if (best && severity) return changeVerdict(rule, o, best, severity, rule.direction === 'rise' ? 'change.rise' : 'change.fall');
  if (odd) return changeVerdict(rule, o, odd, 'yellow', 'change.implausible');
  // A reading that is implausible against its neighbours says nothing about being back in range.
  if (!best || suspect) return null;
  if (best.amount > 0) return changeVerdict(rule, o, best, null, rule.direction === 'rise' ? 'change.rise' : 'change.fall');
  return {
    severity: null,
    value: best.amount,
    unit: o.unit,
    key: rule.direction === 'rise' ? 'change.noRise' : 'change.noFall',
    params: { code: o.code, unit: o.unit, windowHours: rule.windowHours },
    measuredAt: best.to.measuredAt,
  };
}

/**
 * No earlier trusted reading of the code on the same local day (in `timeZone`), among the points
 * seen and `also` (the reading being judged, not yet among them).
 */
function isFirstOfDay(p: ObservationPoint, seen: PointsByCode, timeZone: string, also: ObservationPoint | null): boolean {
  const t = p.measuredAt.getTime();
  const dayStart = startOfLocalDay(localDate(p.measuredAt, timeZone), timeZone).getTime();
  const earlier = (q: ObservationPoint) => q.unit === p.unit && q.measurementId !== p.measurementId && comparable(q) && q.measuredAt.getTime() >= dayStart && q.measuredAt.getTime() < t;
  if (also && also.code === p.code && earlier(also)) return false;
  return !seen.between(p.code, dayStart, t - 1).some(earlier);
}

function changeVerdict(rule: ChangeRule, o: ObservationPoint, p: Pair, severity: Severity | null, key: MessageKey): Verdict {
  const change = key === 'change.implausible' ? Math.abs(p.amount) : p.amount;
  return {
    severity,
    value: change,
    unit: o.unit,
    key,
    params: { code: o.code, unit: o.unit, change, from: p.from.value, to: p.to.value, hours: round(p.gapMs / HOUR_MS, 1), windowHours: rule.windowHours },
    measuredAt: p.to.measuredAt,
  };
}

/**
 * Drop below the patient's own baseline, computed from the trusted readings in the window BEFORE
 * the new one. With fewer than minSamples there is no baseline yet, and no finding. A drop
 * smaller than minDrop is noise whatever the statistics say; for mean − SD the spread is at least
 * sdFloor, so five identical readings still give a scale to measure a fall against.
 */
function baseline(rule: BaselineRule, o: ObservationPoint, seen: PointsByCode): Verdict | null {
  const t = o.measuredAt.getTime();
  const since = t - rule.windowDays * DAY_MS;
  const prior = seen
    .between(o.code, since, t)
    .filter((q) => q.unit === o.unit && q.measurementId !== o.measurementId && comparable(q) && q.measuredAt.getTime() < t)
    .slice(-MAX_BASELINE_SAMPLES)
    .map((q) => q.value);
  if (rule.statistic === 'best') return belowBest(rule, o, prior);
  if (prior.length < rule.minSamples) return null;

  const level = rule.statistic === 'median' ? median(prior) : prior.reduce((s, v) => s + v, 0) / prior.length;
  const drop = round(level - o.value);
  const percent = level > 0 ? round((drop / level) * 100, 1) : 0;
  const counts = drop >= (rule.minDrop ?? Number.NEGATIVE_INFINITY) && drop > 0;
  const params: MessageParams = { code: o.code, unit: o.unit, value: o.value, baseline: round(level, 2), drop: round(drop, 3), percent, days: rule.windowDays };

  const sd = rule.statistic === 'median' ? 0 : Math.sqrt(prior.reduce((s, v) => s + (v - level) ** 2, 0) / (prior.length - 1));
  const spread = Math.max(sd, rule.sdFloor ?? 0);
  // Identical readings and no floor: no spread to measure a drop against.
  if (rule.statistic === 'mean-sd' && spread === 0) return null;
  /** the severity of a reading of `value` against this baseline (the same level for a repeat that confirms) */
  const severityAt = (value: number): Severity | null => {
    const d = round(level - value);
    const pct = level > 0 ? round((d / level) * 100, 1) : 0;
    if (!(d >= (rule.minDrop ?? Number.NEGATIVE_INFINITY) && d > 0)) return null;
    let sev = rule.statistic === 'median' ? bySize(d, rule.yellow, rule.red) : bySize(round(d / spread, 2), rule.yellow, rule.red);
    if (rule.redDropPercent !== undefined && pct >= rule.redDropPercent) sev = 'red';
    return sev;
  };
  if (rule.statistic === 'mean-sd') params.sds = round(drop / spread, 2);
  const severity: Severity | null = counts ? severityAt(o.value) : null;

  const key: MessageKey =
    severity === null ? 'baseline.usual' : rule.statistic === 'median' ? 'baseline.belowMedian' : severity === 'red' ? 'baseline.farBelowMean' : 'baseline.belowMean';
  return { severity, value: round(drop, 3), unit: o.unit === '%' ? 'points' : o.unit, key, params, measuredAt: o.measuredAt, redAt: (v) => severityAt(v) === 'red' };
}

/**
 * A fall below the patient's personal best (statistic `best`): the best a clinician set, else the
 * best trusted reading in the window (at least minSamples of them), so a steady fall over weeks
 * is measured from where the patient was, not from a mean that drifts down with it. Yellow and
 * red are per cent below the best; a fall smaller than minDrop is noise.
 */
function belowBest(rule: BaselineRule, o: ObservationPoint, prior: readonly number[]): Verdict | null {
  if (rule.personalBest === undefined && prior.length < rule.minSamples) return null;
  const best = rule.personalBest ?? Math.max(...prior);
  const severityAt = (value: number): Severity | null => {
    const d = round(best - value);
    if (!(d > 0 && d >= (rule.minDrop ?? Number.NEGATIVE_INFINITY))) return null;
    return bySize(round((d / best) * 100, 1), rule.yellow, rule.red);
  };
  const drop = round(best - o.value);
  const percent = best > 0 ? round((drop / best) * 100, 1) : 0;
  const severity = severityAt(o.value);
  const params: MessageParams = { code: o.code, unit: o.unit, value: o.value, baseline: round(best, 3), drop: round(drop, 3), percent, days: rule.windowDays, personal: rule.personalBest !== undefined ? 1 : 0 };
  return { severity, value: round(drop, 3), unit: o.unit, key: severity ? 'baseline.belowBest' : 'baseline.usual', params, measuredAt: o.measuredAt, redAt: (v) => severityAt(v) === 'red' };
}

/** A flag rule: the flag set on a measurement of the rule's type is a finding; its absence is in range. */
function flagVerdict(rule: FlagRule, points: readonly ObservationPoint[], o: ObservationPoint): Verdict | null {
  const type = measurementType(points);
  if (type !== rule.type) return null;
  const params: MessageParams = { flag: rule.flag, type };
  const base = { value: null, unit: null, params, measuredAt: o.measuredAt };
  if (o.flags?.[rule.flag] === true) return { ...base, severity: rule.severity, key: 'flag.raised' };
  if (readingQualityProblems(o.flags).length > 0) return null;
  return { ...base, severity: null, key: 'flag.clear' };
}

/** The measurement's type as given, else the one type whose components these codes can be. */
function measurementType(points: readonly ObservationPoint[]): MeasurementType | null {
  const given = points.find((p) => p.type)?.type;
  if (given) return given;
  const candidates = MEASUREMENT_TYPES.filter((t) => points.every((p) => (TYPE_COMPONENTS[t].allowed as readonly string[]).includes(p.code as ObservationCode)));
  return candidates.length === 1 ? (candidates[0] ?? null) : null;
}

function isTimeUncertain(p: ObservationPoint): boolean {
  return p.timeUncertain === true || p.flags?.timeUncertain === true;
}

/** A reading other readings may be compared with: clean, and at a known time. */
function comparable(p: ObservationPoint): boolean {
  return !isTimeUncertain(p) && readingQualityProblems(p.flags).length === 0;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const hi = s[mid] ?? 0;
  return s.length % 2 === 1 ? hi : ((s[mid - 1] ?? hi) + hi) / 2;
}

const pointKey = (p: ObservationPoint) => `${p.measurementId}\u0000${p.code}`;

/**
 * A baseline is the patient's usual level over the window: twice-daily readings give 28 in 14
 * days. Beyond this many (a flood of readings) the most recent stand for the window, so a batch's
 * cost does not grow with how densely the patient measured.
 */
export const MAX_BASELINE_SAMPLES = 100;

/** The points judged so far, per code in measurement-time order, so a window is a binary search away. */
class PointsByCode {
  private readonly byCode = new Map<string, ObservationPoint[]>();

  constructor(points: readonly ObservationPoint[]) {
    for (const p of points) this.listOf(p.code).push(p);
    for (const list of this.byCode.values()) list.sort((a, b) => a.measuredAt.getTime() - b.measuredAt.getTime());
  }

  add(p: ObservationPoint): void {
    const list = this.listOf(p.code);
    list.splice(this.firstAtOrAfter(list, p.measuredAt.getTime() + 1), 0, p);
  }

  /** Points of `code` measured from `fromMs` to `toMs`, both included, oldest first. */
  between(code: string, fromMs: number, toMs: number): ObservationPoint[] {
    const list = this.byCode.get(code);
    if (!list) return [];
    return list.slice(this.firstAtOrAfter(list, fromMs), this.firstAtOrAfter(list, toMs + 1));
  }

  private listOf(code: string): ObservationPoint[] {
    let list = this.byCode.get(code);
    if (!list) this.byCode.set(code, (list = []));
    return list;
  }

  private firstAtOrAfter(list: readonly ObservationPoint[], ms: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.measuredAt.getTime() < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function uniquePoints(points: readonly ObservationPoint[]): ObservationPoint[] {
  const seen = new Map<string, ObservationPoint>();
  for (const p of points) seen.set(pointKey(p), p);
  return [...seen.values()];
}

/**
 * Missing data ("blue alarm"): one finding per missing-data rule. Time without data counts from
 * the later of the last data of the type and `monitoredSince` — the time monitoring began or
 * resumed (enrolment, or the end of the latest pause) — so the alarm does not fire the minute a
 * pause ends. Without either the data is missing now. Call it on a timer and after each stored
 * measurement: the in-range finding then clears the open alert. Not received within afterHours
 * means strictly more than afterHours have passed.
 */
export function missingData<R extends ThresholdRule>(
  rules: readonly R[],
  lastSeenByType: Partial<Record<MeasurementType, Date>>,
  now: Date,
  monitoredSince?: Date | null,
  options: EvaluateOptions = {},
): Finding<R>[] {
  const locale = options.locale ?? DEFAULT_LOCALE;
  const findings: Finding<R>[] = [];
  for (const threshold of rules) {
    const rule: ThresholdRule = threshold;
    if (rule.kind !== 'missing') continue;
    findings.push(missingFinding(threshold, lastSeenByType[rule.type], missingVerdict(rule, lastSeenByType[rule.type], now, monitoredSince ?? undefined), locale));
  }
  return findings;
}

/** What a missing-data rule found: how long without data (`value`, hours; null when the rule does not apply), as a finding. */
export type MissingVerdict = Pick<Verdict, 'severity' | 'value' | 'key' | 'params'>;

/** The finding of a missing-data rule from its verdict (missingData, planMissingData). */
export function missingFinding<R extends ThresholdRule>(threshold: R, lastSeen: Date | undefined, v: MissingVerdict, locale: Locale): Finding<R> {
  return {
    rule: threshold.rule,
    kind: threshold.kind,
    code: null,
    measurementId: null,
    observedAt: null,
    measuredAt: lastSeen ?? null,
    severity: v.severity,
    value: v.value,
    unit: v.value === null ? null : 'h',
    message: alertMessage(v.key, v.params, locale),
    messageKey: v.key,
    messageParams: v.params,
    threshold,
  };
}

function missingVerdict(rule: MissingRule, lastSeen: Date | undefined, now: Date, since: Date | undefined): MissingVerdict {
  const resumed = since !== undefined && (lastSeen === undefined || since.getTime() > lastSeen.getTime());
  const reference = resumed ? since : lastSeen;
  const params: MessageParams = { type: rule.type, expectedHours: rule.afterHours };
  if (!reference) return { severity: rule.severity, value: null, key: 'missing.never', params };
  const hours = Math.max(0, round((now.getTime() - reference.getTime()) / HOUR_MS, 1));
  const late = now.getTime() - reference.getTime() > rule.afterHours * HOUR_MS;
  const key: MessageKey = late ? (resumed ? 'missing.lateSinceStart' : 'missing.late') : resumed ? 'missing.awaiting' : 'missing.received';
  return { severity: late ? rule.severity : null, value: hours, key, params: { ...params, hours } };
}
