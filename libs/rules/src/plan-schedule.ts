import type { ActivityName, CareActivity, CarePlan, MeasurementType } from '@tm/contracts';
import { PLAN_TIME_ZONE, planDayOf } from './plan-calendar';
import type { PlanInForce } from './plan-in-force';

/**
 * What a care plan expects, as pure functions of a plan day: which line is in force, how many
 * times an activity is due, and the longest gap between two due days. No clock and no I/O.
 */

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

/** The plan's expectation for a type as a span: "at least every 4 days" for twice a week; null when it does not expect it. */
export function expectedEveryHours(p: PlanInForce, type: MeasurementType, now: Date, timeZone: string = PLAN_TIME_ZONE): number | null {
  const phase = currentOrNextPhase(p.plan, type, planDayOf(p.startedAt, now, timeZone));
  return phase ? longestGapDays(phase) * 24 : null;
}
