import { addDays, CLINIC_TIME_ZONE, formatInstant, localDate, localDateTime, startOfLocalDay, wallClockParts, wallClockToInstant, zoneOffsetMs } from './wall-clock';

const CPH = CLINIC_TIME_ZONE;
const HOUR = 3_600_000;

describe('the wall clock in Copenhagen', () => {
  it.each([
    ['a winter morning (CET)', '2026-11-23T06:59:40Z', HOUR],
    ['a summer morning (CEST)', '2026-07-01T06:00:00Z', 2 * HOUR],
    ['just before the spring change', '2026-03-29T00:59:59Z', HOUR],
    ['just after the spring change', '2026-03-29T01:00:00Z', 2 * HOUR],
    ['just before the autumn change', '2026-10-25T00:59:59Z', 2 * HOUR],
    ['just after the autumn change', '2026-10-25T01:00:00Z', HOUR],
  ])('is ahead of UTC on %s', (_name, utc, offset) => {
    expect(zoneOffsetMs(new Date(utc), CPH)).toBe(offset);
    expect(zoneOffsetMs(Date.parse(utc), CPH)).toBe(offset);
  });

  it.each([
    ['a winter Monday', '2026-11-23T06:59:40Z', { year: 2026, month: 11, day: 23, hour: 7, minute: 59, second: 40, weekday: 1 }],
    ['a summer Wednesday', '2026-07-01T06:00:00Z', { year: 2026, month: 7, day: 1, hour: 8, minute: 0, second: 0, weekday: 3 }],
    ['half past midnight on a Sunday, still Saturday in UTC', '2026-03-28T23:30:00Z', { year: 2026, month: 3, day: 29, hour: 0, minute: 30, second: 0, weekday: 7 }],
  ])('shows %s', (_name, utc, parts) => {
    expect(wallClockParts(new Date(utc), CPH)).toEqual(parts);
  });

  it.each([
    ['a winter morning (+01:00)', '2026-11-23T07:59:40', CPH, '2026-11-23T06:59:40.000Z'],
    ['a summer morning (+02:00)', '2026-07-01T08:00:00', CPH, '2026-07-01T06:00:00.000Z'],
    ['02:30 on the autumn night, which happens twice: the first one', '2026-10-25T02:30:00', CPH, '2026-10-25T00:30:00.000Z'],
    ['02:30 on the spring night, which never happens: moved forward by the hour', '2026-03-29T02:30:00', CPH, '2026-03-29T01:30:00.000Z'],
    ['New York in winter (-05:00)', '2026-01-15T09:00:00', 'America/New_York', '2026-01-15T14:00:00.000Z'],
  ])('reads %s as an instant', (_name, local, tz, utc) => {
    expect(wallClockToInstant(local, tz)?.toISOString()).toBe(utc);
  });

  it('reads wall-clock fields as well as a string', () => {
    expect(wallClockToInstant({ year: 2026, month: 11, day: 23, hour: 7, minute: 59, second: 40 }, CPH)?.toISOString()).toBe('2026-11-23T06:59:40.000Z');
  });

  it.each([['2026-02-30T10:00:00'], ['2026-11-23T24:00:00'], ['2026-11-23 07:59:40'], ['']])('refuses %j as a wall-clock time', (local) => {
    expect(wallClockToInstant(local, CPH)).toBeNull();
  });

  it.each([
    ['2026-03-01T23:30:00Z', '2026-03-02', '2026-03-02T00:30:00', '2026-03-02T00:30:00+01:00'],
    ['2026-03-02T22:59:59Z', '2026-03-02', '2026-03-02T23:59:59', '2026-03-02T23:59:59+01:00'],
    ['2026-06-30T22:30:00Z', '2026-07-01', '2026-07-01T00:30:00', '2026-07-01T00:30:00+02:00'],
  ])('writes %s as date %s, time %s and %s', (utc, date, local, withOffset) => {
    expect(localDate(utc, CPH)).toBe(date);
    expect(localDateTime(new Date(utc), CPH)).toBe(local);
    expect(formatInstant(Date.parse(utc), CPH)).toBe(withOffset);
  });

  it.each([
    ['2026-03-01', 1, '2026-03-02'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-12-31', 1, '2027-01-01'],
  ])('%s plus %i days is %s', (date, n, expected) => {
    expect(addDays(date, n)).toBe(expected);
  });
});

// Moved from libs/rules/src/care-plan.spec.ts with the functions they test.
describe('calendar days in Copenhagen', () => {
  const TZ = CPH;
  it.each([
    ['2026-03-01T23:30:00Z', '2026-03-02'], // 00:30 CET
    ['2026-03-02T22:59:59Z', '2026-03-02'],
    ['2026-06-30T22:30:00Z', '2026-07-01'], // 00:30 CEST
  ])('%s is local date %s', (instant, date) => {
    expect(localDate(new Date(instant), TZ)).toBe(date);
  });

  it.each([
    ['2026-03-02', '2026-03-01T23:00:00.000Z'],
    ['2026-03-29', '2026-03-28T23:00:00.000Z'], // the night the clocks go forward (at 02:00)
    ['2026-03-30', '2026-03-29T22:00:00.000Z'],
    ['2026-10-25', '2026-10-24T22:00:00.000Z'], // the night the clocks go back
    ['2026-10-26', '2026-10-25T23:00:00.000Z'],
  ])('%s begins at %s', (date, instant) => {
    expect(startOfLocalDay(date, TZ).toISOString()).toBe(instant);
  });
});
