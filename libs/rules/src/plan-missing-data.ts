import { isMeasurementActivity, type ActivityName, type MeasurementType, type ThresholdRule } from '@tm/contracts';
import { missingFinding, type EvaluateOptions, type Finding } from './evaluate';
import type { MessageKey, MessageParams } from './messages';
import { addDays, localDate, PLAN_TIME_ZONE, planDayOf, startOfLocalDay } from './plan-calendar';
import type { PlanInForce } from './plan-in-force';
import { activitiesOf, expectedOn } from './plan-schedule';
import { DEFAULT_LOCALE } from './wording';

/** Missing data as the plan sees it: when a type is late, which types are overdue, and the findings. */

/** How far to look ahead for the next due day: past any pause between two phases of a year. */
const LOOKAHEAD_DAYS = 400;

/**
 * When data of `type` (a measurement type, or `questionnaire:<id>` for answers) counts as missing, given the last of it (or the start of monitoring): at the
 * end of the first day after that day on which the plan expects the type. On a twice-weekly plan
 * (days 0 and 3) a reading on day 0 is missing from the end of day 3 — the alarm comes on day 4,
 * the day after the missed measurement, and never on the days in between. Null when the plan does
 * not expect the type (within LOOKAHEAD_DAYS).
 */
export function missingDeadline(p: PlanInForce, type: ActivityName, reference: Date, timeZone: string = PLAN_TIME_ZONE): Date | null {
  const refDay = planDayOf(p.startedAt, reference, timeZone);
  // no line of the type is in force after the reference day: nothing is ever due (and no day-by-day search)
  if (!p.plan.activities.some((a) => a.activity === type && (a.toDay === undefined || a.toDay > refDay))) return null;
  const start = localDate(p.startedAt, timeZone);
  for (let d = Math.max(refDay + 1, 0); d <= refDay + LOOKAHEAD_DAYS; d++)
    if (expectedOn(p.plan, type, d) > 0) return startOfLocalDay(addDays(start, d + 1), timeZone);
  return null;
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
    findings.push(missingFinding(threshold, last, { severity, value: deadline === null ? null : hours, key, params }, locale));
  }
  return findings;
}
