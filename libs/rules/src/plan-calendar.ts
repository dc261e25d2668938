import { CLINIC_TIME_ZONE, dateOfDayNumber, dayNumber, localDate } from '@tm/contracts';

/**
 * Plan days and calendar weeks. The wall clock itself (local dates, the start of a local day, day
 * arithmetic) lives in @tm/contracts' wall-clock; it is re-exported here for the plan's callers.
 */
export { addDays, dateOfDayNumber, dayNumber, localDate, startOfLocalDay } from '@tm/contracts';

/** Days are counted in the programmes' time zone: the patients and their nurses are Danish. */
export const PLAN_TIME_ZONE = CLINIC_TIME_ZONE;

const DAY_MS = 86_400_000;

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
