import {
  isMeasurementActivity,
  questionnaireIdOf,
  TYPE_COMPONENTS,
  type ActivityAdherence,
  type ActivityName,
  type AdherenceCount,
  type CareActivity,
  type CarePlan,
  type MeasurementType,
  type ObservationCode,
  type Programme,
  type ThresholdRule,
  type TodayActivity,
} from '@tm/contracts';
import type { RuleInForce } from './defaults';
import type { EvaluateOptions, Finding } from './evaluate';
import { alertMessage, type MessageKey, type MessageParams } from './messages';
import { DEFAULT_LOCALE } from './wording';

/**
 * Care plans (ARCHITECTURE.md §10) as pure functions: what is due on a day, expected vs received,
 * and what the plan implies for the alert rules (when data is missing, how many readings a
 * baseline needs). No clock and no I/O: every function takes `now` or a day, and the time zone in
 * which days are counted. The programme defaults and their sources: libs/rules/README.md ("Care
 * plans").
 */

/** Days are counted in the programmes' time zone: the patients and their nurses are Danish. */
export const PLAN_TIME_ZONE = 'Europe/Copenhagen';
/** The intensive first phase of both programmes, in days: days 0–13. */
export const INTENSIVE_PHASE_DAYS = 14;

const diary = (id: string) => `questionnaire:${id}` as const;

/** TeleKOL: measurements (and the symptom diary) twice a day for the first 14 days, then twice a week. */
export const TELEKOL_DEFAULT_PLAN: CarePlan = {
  activities: [
    { activity: 'pulse_oximetry', timesPerDay: 2, fromDay: 0, toDay: INTENSIVE_PHASE_DAYS - 1 },
    { activity: 'pulse_oximetry', timesPerWeek: 2, fromDay: INTENSIVE_PHASE_DAYS },
    { activity: 'spirometry', timesPerDay: 2, fromDay: 0, toDay: INTENSIVE_PHASE_DAYS - 1 },
    { activity: 'spirometry', timesPerWeek: 2, fromDay: INTENSIVE_PHASE_DAYS },
    { activity: diary('telekol-symptom-diary'), timesPerDay: 1, fromDay: 0, toDay: INTENSIVE_PHASE_DAYS - 1 },
    { activity: diary('telekol-symptom-diary'), timesPerWeek: 2, fromDay: INTENSIVE_PHASE_DAYS },
  ],
};

/** TeleHjerte: weight, blood pressure and the symptom diary daily for the first 14 days, then twice a week. */
export const TELEHJERTE_DEFAULT_PLAN: CarePlan = {
  activities: [
    { activity: 'body_weight', timesPerDay: 1, fromDay: 0, toDay: INTENSIVE_PHASE_DAYS - 1 },
    { activity: 'body_weight', timesPerWeek: 2, fromDay: INTENSIVE_PHASE_DAYS },
    { activity: 'blood_pressure', timesPerDay: 1, fromDay: 0, toDay: INTENSIVE_PHASE_DAYS - 1 },
    { activity: 'blood_pressure', timesPerWeek: 2, fromDay: INTENSIVE_PHASE_DAYS },
    { activity: diary('telehjerte-symptom-diary'), timesPerDay: 1, fromDay: 0, toDay: INTENSIVE_PHASE_DAYS - 1 },
    { activity: diary('telehjerte-symptom-diary'), timesPerWeek: 2, fromDay: INTENSIVE_PHASE_DAYS },
  ],
};

export const PROGRAMME_PLANS: Readonly<Record<Programme, CarePlan>> = { TeleKOL: TELEKOL_DEFAULT_PLAN, TeleHjerte: TELEHJERTE_DEFAULT_PLAN };

/** The plan in force for a patient, and its day 0. */
export interface PlanInForce {
  plan: CarePlan;
  startedAt: Date;
}

// ---------------------------------------------------------------------------------------------
// Calendar days in a time zone

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time at `at` in the zone, read as if it were UTC (ms). */
function wallClockMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
}

/** The calendar date of `at` in the zone: `2026-11-23`. */
export function localDate(at: Date, timeZone: string = PLAN_TIME_ZONE): string {
  return new Date(wallClockMs(at, timeZone)).toISOString().slice(0, 10);
}

/** The instant a local calendar day begins (midnight; Danish clocks never skip it). */
export function startOfLocalDay(date: string, timeZone: string = PLAN_TIME_ZONE): Date {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  let t = midnightUtc;
  // Twice: the offset at the first guess may differ from the offset at midnight across a clock change.
  for (let i = 0; i < 2; i++) t = midnightUtc - (wallClockMs(new Date(t), timeZone) - Math.floor(t / 1000) * 1000);
  return new Date(t);
}

/** Days since 1970-01-01 of a calendar date (a day counter free of time zones). */
export const dayNumber = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
export const dateOfDayNumber = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);
export const addDays = (date: string, n: number): string => dateOfDayNumber(dayNumber(date) + n);

/** The plan day of an instant: 0 on the local day the plan started, negative before it. */
export function planDayOf(startedAt: Date, at: Date, timeZone: string = PLAN_TIME_ZONE): number {
  return dayNumber(localDate(at, timeZone)) - dayNumber(localDate(startedAt, timeZone));
}

/** Monday of the ISO week of a date, and the week's number. */
export function isoWeekOf(date: string): { weekStart: string; isoWeek: number } {
  const n = dayNumber(date);
  const weekday = (new Date(n * DAY_MS).getUTCDay() + 6) % 7; // Monday 0
  const weekStart = dateOfDayNumber(n - weekday);
  // The ISO week belongs to the year of its Thursday.
  const thursday = new Date((n - weekday + 3) * DAY_MS);
  const firstThursday = (() => {
    const jan4 = Date.UTC(thursday.getUTCFullYear(), 0, 4);
    const wd = (new Date(jan4).getUTCDay() + 6) % 7;
    return jan4 / DAY_MS - wd + 3;
  })();
  return { weekStart, isoWeek: 1 + Math.round((thursday.getTime() / DAY_MS - firstThursday) / 7) };
}

// ---------------------------------------------------------------------------------------------
// What the plan expects

export function isInForce(a: CareActivity, day: number): boolean {
  return day >= (a.fromDay ?? 0) && (a.toDay === undefined || day <= a.toDay);
}

/**
 * The days of each plan week (counted from the activity's fromDay) an activity of `timesPerWeek`
 * is due, spread evenly: twice a week is days 0 and 3 of each week (e.g. Monday and Thursday),
 * three times 0, 2, 4, once day 0.
 */
export function weekDueOffsets(timesPerWeek: number): number[] {
  const n = Math.max(1, Math.min(7, Math.round(timesPerWeek)));
  return Array.from({ length: n }, (_, i) => Math.floor((i * 7) / n));
}

/** How many times one line of the plan expects its activity on a plan day. */
export function expectedByActivity(a: CareActivity, day: number): number {
  if (!isInForce(a, day)) return 0;
  if (a.timesPerDay !== undefined) return a.timesPerDay;
  const offset = (day - (a.fromDay ?? 0)) % 7;
  return weekDueOffsets(a.timesPerWeek ?? 1).includes(offset) ? 1 : 0;
}

/** How many times the plan expects `activity` on a plan day (0 before the plan starts). */
export function expectedOn(plan: CarePlan, activity: ActivityName, day: number): number {
  return plan.activities.filter((a) => a.activity === activity).reduce((n, a) => n + expectedByActivity(a, day), 0);
}

/** The line of the plan in force for `activity` on a day (activities of one name never overlap). */
export function phaseOn(plan: CarePlan, activity: ActivityName, day: number): CareActivity | undefined {
  return plan.activities.find((a) => a.activity === activity && isInForce(a, day));
}

/** The distinct activities of a plan, in the plan's order. */
export function activitiesOf(plan: CarePlan): ActivityName[] {
  return [...new Set(plan.activities.map((a) => a.activity))];
}

/** Everything due on a plan day: activity and count. */
export function dueOn(plan: CarePlan, day: number): { activity: ActivityName; expected: number }[] {
  return activitiesOf(plan)
    .map((activity) => ({ activity, expected: expectedOn(plan, activity, day) }))
    .filter((d) => d.expected > 0);
}

/** The longest run of days between two due days of a line of the plan: 1 for daily, 4 for twice a week (days 0, 3), 7 weekly. */
export function longestGapDays(a: CareActivity): number {
  if (a.timesPerDay !== undefined) return 1;
  const offsets = weekDueOffsets(a.timesPerWeek ?? 1);
  return Math.max(...offsets.map((o, i) => (offsets[i + 1] ?? offsets[0]! + 7) - o));
}

/** The line for `activity` in force on `day`, or the next one to come into force. */
function currentOrNextPhase(plan: CarePlan, activity: ActivityName, day: number): CareActivity | undefined {
  return (
    phaseOn(plan, activity, day) ??
    plan.activities.filter((a) => a.activity === activity && (a.fromDay ?? 0) > day).sort((a, b) => (a.fromDay ?? 0) - (b.fromDay ?? 0))[0]
  );
}

/** How far to look ahead for the next due day: past any pause between two phases of a year. */
const LOOKAHEAD_DAYS = 400;

// ---------------------------------------------------------------------------------------------
// Expected vs received

/** One thing the hospital received: a measurement of a type, or a questionnaire answered. */
export interface Received {
  activity: ActivityName;
  at: Date;
}

/** The activity name a measurement or a response counts towards. */
export const activityOfMeasurement = (type: MeasurementType): ActivityName => type;
export const activityOfQuestionnaire = (questionnaireId: string): ActivityName => `questionnaire:${questionnaireId}`;

type DayKind = 'daily' | 'weekly' | null;

interface DayCount {
  date: string;
  planDay: number;
  expected: number;
  received: number;
  kind: DayKind;
}

function countDays(p: PlanInForce, activity: ActivityName, from: string, to: string, received: readonly Received[], timeZone: string): DayCount[] {
  const start = dayNumber(localDate(p.startedAt, timeZone));
  const byDate = new Map<string, number>();
  for (const r of received) if (r.activity === activity) byDate.set(localDate(r.at, timeZone), (byDate.get(localDate(r.at, timeZone)) ?? 0) + 1);
  const days: DayCount[] = [];
  for (let n = dayNumber(from); n <= dayNumber(to); n++) {
    const date = dateOfDayNumber(n);
    const planDay = n - start;
    const phase = phaseOn(p.plan, activity, planDay);
    days.push({ date, planDay, expected: expectedOn(p.plan, activity, planDay), received: byDate.get(date) ?? 0, kind: phase ? (phase.timesPerDay !== undefined ? 'daily' : 'weekly') : null });
  }
  return days;
}

/**
 * Expected vs received of a set of days. A day of a daily line counts what arrived that day, up to
 * what was due; a day of a weekly line counts towards its week (measuring on Tuesday instead of
 * Monday is on plan). Readings on days no line is in force count as received, not as met.
 */
function tally(days: readonly DayCount[]): AdherenceCount {
  let expected = 0;
  let received = 0;
  let dailyMet = 0;
  let weeklyExpected = 0;
  let weeklyReceived = 0;
  for (const d of days) {
    expected += d.expected;
    received += d.received;
    if (d.kind === 'daily') dailyMet += Math.min(d.received, d.expected);
    if (d.kind === 'weekly') {
      weeklyExpected += d.expected;
      weeklyReceived += d.received;
    }
  }
  return { expected, received, met: dailyMet + Math.min(weeklyReceived, weeklyExpected) };
}

const fractionOf = (c: AdherenceCount): number | null => (c.expected > 0 ? Math.min(1, c.met / c.expected) : null);

/**
 * Expected vs received per activity of the plan, per day and per calendar week (Monday to
 * Sunday), from `from` to `to` (local dates, both included). Weeks count weekly lines as a whole:
 * twice in a week is met whichever days the readings came.
 */
export function adherenceOf(
  p: PlanInForce,
  from: string,
  to: string,
  received: readonly Received[],
  timeZone: string = PLAN_TIME_ZONE,
): { activities: ActivityAdherence[]; total: AdherenceCount & { fraction: number | null } } {
  const activities = activitiesOf(p.plan).map((activity): ActivityAdherence => {
    const days = countDays(p, activity, from, to, received, timeZone);
    const weeks = new Map<string, { isoWeek: number; days: DayCount[] }>();
    for (const d of days) {
      const { weekStart, isoWeek } = isoWeekOf(d.date);
      const w = weeks.get(weekStart) ?? { isoWeek, days: [] };
      w.days.push(d);
      weeks.set(weekStart, w);
    }
    const weekRows = [...weeks].map(([weekStart, w]) => ({ weekStart, isoWeek: w.isoWeek, ...tally(w.days) }));
    const expected = weekRows.reduce((n, w) => n + w.expected, 0);
    const receivedTotal = weekRows.reduce((n, w) => n + w.received, 0);
    const met = weekRows.reduce((n, w) => n + w.met, 0);
    return {
      activity,
      days: days.map((d) => ({ date: d.date, planDay: d.planDay, expected: d.expected, received: d.received, met: Math.min(d.expected, d.received) })),
      weeks: weekRows,
      expected,
      received: receivedTotal,
      met,
      fraction: fractionOf({ expected, received: receivedTotal, met }),
    };
  });
  const total = activities.reduce((t, a) => ({ expected: t.expected + a.expected, received: t.received + a.received, met: t.met + a.met }), { expected: 0, received: 0, met: 0 });
  return { activities, total: { ...total, fraction: fractionOf(total) } };
}

/**
 * What is due today and what is done: each activity in force today or coming later, with today's
 * count, this calendar week's, the latest received (`lastAt`, of any day) and the next due day.
 * `received` needs at least this week's.
 */
export function todayOf(
  p: PlanInForce,
  now: Date,
  received: readonly Received[],
  lastAt: ReadonlyMap<ActivityName, Date> = new Map(),
  timeZone: string = PLAN_TIME_ZONE,
): { date: string; planDay: number; activities: TodayActivity[] } {
  const date = localDate(now, timeZone);
  const planDay = planDayOf(p.startedAt, now, timeZone);
  const { weekStart } = isoWeekOf(date);
  const activities = activitiesOf(p.plan).flatMap((activity): TodayActivity[] => {
    const phase = phaseOn(p.plan, activity, planDay);
    let nextDue: string | null = null;
    for (let d = 1; d <= 56; d++)
      if (expectedOn(p.plan, activity, planDay + d) > 0) {
        nextDue = addDays(date, d);
        break;
      }
    if (!phase && nextDue === null) return [];
    const [today] = countDays(p, activity, date, date, received, timeZone);
    const week = tally(countDays(p, activity, weekStart, addDays(weekStart, 6), received, timeZone));
    const expected = today?.expected ?? 0;
    const done = today?.received ?? 0;
    const questionnaireId = questionnaireIdOf(activity);
    return [
      {
        activity,
        kind: questionnaireId ? 'questionnaire' : 'measurement',
        type: isMeasurementActivity(activity) ? activity : null,
        questionnaireId,
        timesPerDay: phase?.timesPerDay ?? null,
        timesPerWeek: phase?.timesPerWeek ?? null,
        expected,
        done,
        complete: expected > 0 && done >= expected,
        week,
        lastAt: lastAt.get(activity)?.toISOString() ?? null,
        nextDue,
      },
    ];
  });
  return { date, planDay, activities };
}

// ---------------------------------------------------------------------------------------------
// What the plan means for the rules

/**
 * When data of `type` counts as missing, given the last of it (or the start of monitoring): at the
 * end of the first day after that day on which the plan expects the type. On a twice-weekly plan
 * (days 0 and 3) a reading on day 0 is missing from the end of day 3 — the alarm comes on day 4,
 * the day after the missed measurement, and never on the days in between. Null when the plan does
 * not expect the type (within LOOKAHEAD_DAYS).
 */
export function missingDeadline(p: PlanInForce, type: MeasurementType, reference: Date, timeZone: string = PLAN_TIME_ZONE): Date | null {
  const refDay = planDayOf(p.startedAt, reference, timeZone);
  // no line of the type is in force after the reference day: nothing is ever due (and no day-by-day search)
  if (!p.plan.activities.some((a) => a.activity === type && (a.toDay === undefined || a.toDay > refDay))) return null;
  const start = localDate(p.startedAt, timeZone);
  for (let d = Math.max(refDay + 1, 0); d <= refDay + LOOKAHEAD_DAYS; d++)
    if (expectedOn(p.plan, type, d) > 0) return startOfLocalDay(addDays(start, d + 1), timeZone);
  return null;
}

/** The plan's expectation for a type as a span: "at least every 4 days" for twice a week; null when it does not expect it. */
export function expectedEveryHours(p: PlanInForce, type: MeasurementType, now: Date, timeZone: string = PLAN_TIME_ZONE): number | null {
  const phase = currentOrNextPhase(p.plan, type, planDayOf(p.startedAt, now, timeZone));
  return phase ? longestGapDays(phase) * 24 : null;
}

/** The measurement type a code is measured with, among the plan's types (SpO2 -> pulse oximetry). */
function typeOfCode(code: string, plan: CarePlan): MeasurementType | null {
  const types = activitiesOf(plan).filter(isMeasurementActivity);
  return types.find((t) => (TYPE_COMPONENTS[t].allowed as readonly string[]).includes(code as ObservationCode)) ?? null;
}

/** The fewest readings a baseline (median, or mean − SD) is ever taken over. */
export const MIN_BASELINE_SAMPLES = 3;
/** A sparse plan's baseline window: four weeks. */
export const WIDENED_BASELINE_DAYS = 28;

const missingRuleName = (type: MeasurementType) => `missing-${type.replace(/_/g, '-')}`;

/**
 * The rules in force as the plan in force shapes them, at `now`:
 * - each missing-data rule expects its type as often as the plan does (`afterHours` is the plan's
 *   longest gap, for the message; lateness itself is judged by planMissingData against the plan's
 *   days), and a measurement type in the plan with no missing-data rule gets one (yellow);
 * - a programme baseline needs half the readings the plan's phase in force expects in its window,
 *   at least MIN_BASELINE_SAMPLES and never more than the programme asks; when that window holds
 *   fewer than twice MIN_BASELINE_SAMPLES (a twice-weekly plan over 14 days holds 4) the window is
 *   widened to WIDENED_BASELINE_DAYS first. Under a twice-daily plan nothing changes. A personal
 *   baseline (source `patient`) is left as the clinician set it.
 */
export function rulesForPlan(rules: readonly RuleInForce[], p: PlanInForce, now: Date, timeZone: string = PLAN_TIME_ZONE): RuleInForce[] {
  const today = planDayOf(p.startedAt, now, timeZone);
  const shaped = rules.map((r): RuleInForce => {
    if (r.kind === 'missing') {
      const every = expectedEveryHours(p, r.type, now, timeZone);
      return every === null ? r : { ...r, afterHours: every };
    }
    if (r.kind !== 'baseline' || r.source !== 'programme') return r;
    const type = typeOfCode(r.code, p.plan);
    const phase = type ? phaseOn(p.plan, type, today) : undefined;
    if (!phase) return r;
    const perDay = phase.timesPerDay ?? (phase.timesPerWeek ?? 1) / 7;
    const needFor = (days: number) => Math.min(r.minSamples, Math.max(MIN_BASELINE_SAMPLES, Math.ceil((perDay * days) / 2)));
    const windowDays = perDay * r.windowDays < 2 * MIN_BASELINE_SAMPLES ? Math.max(r.windowDays, WIDENED_BASELINE_DAYS) : r.windowDays;
    return { ...r, windowDays, minSamples: needFor(windowDays) };
  });
  const watched = new Set(shaped.flatMap((r) => (r.kind === 'missing' ? [r.type] : [])));
  const added = activitiesOf(p.plan)
    .filter(isMeasurementActivity)
    .filter((t) => !watched.has(t))
    .flatMap((type): RuleInForce[] => {
      const every = expectedEveryHours(p, type, now, timeZone);
      if (every === null) return [];
      return [{ rule: missingRuleName(type), kind: 'missing', type, afterHours: every, severity: 'yellow', source: 'programme', effectiveFrom: null, changedBy: null, personal: false, setBy: null, setAt: null }];
    });
  return [...shaped, ...added];
}

/**
 * The measurements the plan expected and that have not come, at `now` (the board's "stale"
 * marker): each type whose missingDeadline, counted from its last data or from when monitoring
 * began, has passed — the same moment planMissingData raises its alarm.
 */
export function overdueActivities(
  p: PlanInForce,
  lastSeenByType: Partial<Record<MeasurementType, Date>>,
  now: Date,
  monitoredSince?: Date | null,
  timeZone: string = PLAN_TIME_ZONE,
): { activity: MeasurementType; lastAt: Date | null; dueBy: Date }[] {
  const since = Math.max(p.startedAt.getTime(), monitoredSince?.getTime() ?? Number.NEGATIVE_INFINITY);
  return activitiesOf(p.plan)
    .filter(isMeasurementActivity)
    .flatMap((type) => {
      const last = lastSeenByType[type];
      const reference = last && last.getTime() >= since ? last : new Date(since);
      const dueBy = missingDeadline(p, type, reference, timeZone);
      return dueBy && now.getTime() > dueBy.getTime() ? [{ activity: type, lastAt: last ?? null, dueBy }] : [];
    });
}

const HOUR_MS = 3_600_000;
const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Missing data as the plan sees it: one finding per missing-data rule, late when the first due
 * day after the last data of the type (or after monitoring began or resumed, or the plan started,
 * whichever is latest) has ended without any (missingDeadline). A rule whose type the plan no
 * longer expects gives an in-range finding (`missing.notPlanned`), which clears its open alert.
 * The same keys and parameters as missingData; `expectedHours` is the plan's longest gap.
 */
export function planMissingData<R extends ThresholdRule>(
  rules: readonly R[],
  p: PlanInForce,
  lastSeenByType: Partial<Record<MeasurementType, Date>>,
  now: Date,
  monitoredSince?: Date | null,
  timeZone: string = PLAN_TIME_ZONE,
  options: EvaluateOptions = {},
): Finding<R>[] {
  const locale = options.locale ?? DEFAULT_LOCALE;
  const findings: Finding<R>[] = [];
  const since = new Date(Math.max(p.startedAt.getTime(), monitoredSince?.getTime() ?? Number.NEGATIVE_INFINITY));
  for (const threshold of rules) {
    const rule: ThresholdRule = threshold;
    if (rule.kind !== 'missing') continue;
    const last = lastSeenByType[rule.type];
    const resumed = last === undefined || since.getTime() > last.getTime();
    const reference = resumed ? since : last;
    const deadline = missingDeadline(p, rule.type, reference, timeZone);
    const hours = Math.max(0, round1((now.getTime() - reference.getTime()) / HOUR_MS));
    let key: MessageKey;
    let params: MessageParams = { type: rule.type, expectedHours: rule.afterHours };
    let severity: Finding['severity'] = null;
    if (deadline === null) key = 'missing.notPlanned';
    else {
      const late = now.getTime() > deadline.getTime();
      key = late ? (resumed ? 'missing.lateSinceStart' : 'missing.late') : resumed ? 'missing.awaiting' : 'missing.received';
      params = { ...params, hours };
      severity = late ? rule.severity : null;
    }
    findings.push({
      rule: rule.rule,
      kind: rule.kind,
      code: null,
      measurementId: null,
      observedAt: null,
      measuredAt: last ?? null,
      severity,
      value: deadline === null ? null : hours,
      unit: deadline === null ? null : 'h',
      message: alertMessage(key, params, locale),
      messageKey: key,
      messageParams: params,
      threshold,
    });
  }
  return findings;
}
