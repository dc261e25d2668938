import { CLINIC_TIME_ZONE, wallClockParts, type ServiceHours } from '@tm/contracts';

/**
 * Service hours of a care team (issue 17, item 7): when the team itself answers a red. Outside them
 * an escalation goes to the on-call route, and the patient's app says what to do now (1813, or the
 * GP out of hours, or 112). Pure: wall-clock time in Copenhagen through @tm/contracts' helper, so
 * summer time and the night the clocks change are the helper's, stated once.
 */

/** Weekdays 08:00–15:00: default for clinical review (the care teams state their own; no public holidays yet). */
export const DEFAULT_SERVICE_HOURS: ServiceHours = { weekdays: [1, 2, 3, 4, 5], from: '08:00', to: '15:00' };

const minutesOf = (hhmm: string): number => {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
};

/** Whether `now` is inside the service hours, on the wall clock of `timeZone` (from included, to excluded). */
export function insideServiceHours(hours: ServiceHours, now: Date, timeZone: string = CLINIC_TIME_ZONE): boolean {
  const w = wallClockParts(now, timeZone);
  if (!hours.weekdays.includes(w.weekday)) return false;
  const minute = w.hour * 60 + w.minute;
  return minute >= minutesOf(hours.from) && minute < minutesOf(hours.to);
}

/** A patient is inside service hours when any of their care teams that triage (the hospital's) is. */
export function anyInsideServiceHours(teams: readonly { kind: string; serviceHours: ServiceHours }[], now: Date, timeZone: string = CLINIC_TIME_ZONE): boolean {
  return teams.some((t) => t.kind === 'hospital' && insideServiceHours(t.serviceHours, now, timeZone));
}
