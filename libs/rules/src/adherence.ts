import { isMeasurementActivity, questionnaireIdOf, type ActivityAdherence, type ActivityName, type AdherenceCount, type MeasurementType, type TodayActivity } from '@tm/contracts';
import { addDays, dateOfDayNumber, dayNumber, isoWeekOf, localDate, PLAN_TIME_ZONE, planDayOf } from './plan-calendar';
import type { PlanInForce } from './plan-in-force';
import { activitiesOf, expectedOn, phaseOn } from './plan-schedule';

/** Expected vs received of a care plan: per day and calendar week, and what is due today. */

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
