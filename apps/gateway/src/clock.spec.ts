import { formatInstant, wallClockToInstant } from '@tm/contracts';
import { deviceClockOffsetMs, resolveMeasuredAt } from './clock';

const CPH = 'Europe/Copenhagen';
const received = new Date('2026-11-23T08:00:00Z');

describe('local device time in the gateway time zone', () => {
  it.each([
    ['a winter morning in Copenhagen (CET, +01:00)', '2026-11-23T07:59:40', CPH, '2026-11-23T06:59:40.000Z'],
    ['a summer morning in Copenhagen (CEST, +02:00)', '2026-07-01T08:00:00', CPH, '2026-07-01T06:00:00.000Z'],
    ['02:30 on the autumn night, which happens twice: the first one (CEST)', '2026-10-25T02:30:00', CPH, '2026-10-25T00:30:00.000Z'],
    ['02:30 on the spring night, which never happens: moved forward by the hour', '2026-03-29T02:30:00', CPH, '2026-03-29T01:30:00.000Z'],
    ['03:00 just after the spring change (CEST)', '2026-03-29T03:00:00', CPH, '2026-03-29T01:00:00.000Z'],
    ['New York in winter (-05:00)', '2026-01-15T09:00:00', 'America/New_York', '2026-01-15T14:00:00.000Z'],
    ['Kolkata (+05:30)', '2026-01-15T09:00:00', 'Asia/Kolkata', '2026-01-15T03:30:00.000Z'],
  ])('%s', (_name, local, tz, utc) => {
    expect(new Date(wallClockToInstant(local, tz)!).toISOString()).toBe(utc);
  });

  it.each([['2026-02-30T10:00:00'], ['2026-11-23T24:00:00'], ['2026-11-23 07:59:40'], ['']])('refuses %j as a time', (local) => {
    expect(wallClockToInstant(local, CPH)).toBeNull();
  });

  it.each([
    ['2026-11-23T06:59:40Z', CPH, '2026-11-23T07:59:40+01:00'],
    ['2026-07-01T06:00:00Z', CPH, '2026-07-01T08:00:00+02:00'],
    ['2026-01-15T14:00:00Z', 'America/New_York', '2026-01-15T09:00:00-05:00'],
    ['2026-01-15T03:30:00Z', 'Asia/Kolkata', '2026-01-15T09:00:00+05:30'],
  ])('writes %s as %s local time with its offset', (utc, tz, expected) => {
    expect(formatInstant(Date.parse(utc), tz)).toBe(expected);
  });
});

describe('when a reading was taken', () => {
  const resetClockReadNow = Date.parse('2000-01-01T00:05:00+01:00') - received.getTime();
  it.each([
    ['a device with a good clock keeps its time', '2026-11-23T08:55:00', null, '2026-11-23T08:55:00+01:00', 'device', false],
    ['a drift under a minute is left alone', '2026-11-23T08:55:00', 30_000, '2026-11-23T08:55:00+01:00', 'device', false],
    ['a clock 7 minutes fast is corrected', '2026-11-23T09:02:00', 7 * 60_000, '2026-11-23T08:55:00+01:00', 'device-corrected', false],
    ['a clock an hour slow (never moved to winter time) is corrected', '2026-11-23T07:55:00', -3_600_000, '2026-11-23T08:55:00+01:00', 'device-corrected', false],
    ['a stored record from last week keeps its day', '2026-11-16T07:30:00', null, '2026-11-16T07:30:00+01:00', 'device', false],
    ['a device that sends no time is dated by the reception', null, null, '2026-11-23T09:00:00+01:00', 'gateway', false],
    ['a clock reset to 2000 uses the reception time, uncertain', '2000-01-01T00:03:00', null, '2026-11-23T09:00:00+01:00', 'gateway', true],
    ['a time in 2019 uses the reception time, uncertain', '2019-12-31T23:59:59', null, '2026-11-23T09:00:00+01:00', 'gateway', true],
    ['11 minutes in the future uses the reception time, uncertain', '2026-11-23T09:11:00', null, '2026-11-23T09:00:00+01:00', 'gateway', true],
    ['9 minutes in the future is still the device time', '2026-11-23T09:09:00', null, '2026-11-23T09:09:00+01:00', 'device', false],
    ['a reset clock read in the session dates its record by the offset, uncertain', '2000-01-01T00:03:00', resetClockReadNow, '2026-11-23T08:58:00+01:00', 'device-corrected', true],
    ['an impossible date uses the reception time, uncertain', '2026-02-30T10:00:00', null, '2026-11-23T09:00:00+01:00', 'gateway', true],
  ])('%s', (_name, deviceTime, clockOffsetMs, measuredAt, timeSource, timeUncertain) => {
    expect(resolveMeasuredAt({ deviceTime, receivedAt: received, timeZone: CPH, clockOffsetMs })).toEqual({ measuredAt, timeSource, timeUncertain });
  });

  describe('a clock the device says nobody set', () => {
    const factoryClockNow = Date.parse('2026-01-14T09:00:00+01:00') - received.getTime();
    it.each([
      ['a plausible stamp from last night is not the time of the reading', '2026-11-22T21:40:00', null, '2026-11-23T09:00:00+01:00', 'gateway'],
      ['a plausible stamp 3 hours old is not the time of the reading', '2026-11-23T06:00:00', null, '2026-11-23T09:00:00+01:00', 'gateway'],
      // Started at its factory date 2026-01-01 when the batteries went in; reads 2026-01-14 09:00 now.
      ['the clock still unset now places the record on its own timeline', '2026-01-11T21:40:00', factoryClockNow, '2026-11-20T21:40:00+01:00', 'device-corrected'],
      ['the clock set since (offset within a minute) cannot place it', '2026-11-22T21:40:00', 20_000, '2026-11-23T09:00:00+01:00', 'gateway'],
      ['a record with no stamp from a device whose clock was unset', null, null, '2026-11-23T09:00:00+01:00', 'gateway'],
    ])('%s: uncertain', (_name, deviceTime, clockOffsetMs, measuredAt, timeSource) => {
      expect(resolveMeasuredAt({ deviceTime, deviceClockNotSet: true, receivedAt: received, timeZone: CPH, clockOffsetMs })).toEqual({ measuredAt, timeSource, timeUncertain: true });
    });

    it('is never the device time, whatever the stamp', () => {
      for (const deviceTime of ['2026-11-23T08:59:00', '2026-11-23T08:00:00', '2026-11-01T08:00:00', '2000-01-01T00:00:00'])
        for (const clockOffsetMs of [null, 0, 30_000, 7 * 60_000])
          expect(resolveMeasuredAt({ deviceTime, deviceClockNotSet: true, receivedAt: received, timeZone: CPH, clockOffsetMs })).toMatchObject({ timeSource: expect.not.stringMatching(/^device$/), timeUncertain: true });
    });
  });

  describe('a device that keeps UTC (GHS)', () => {
    it.each([
      ['in winter, an hour behind Copenhagen', '2026-11-23T07:15:00', '2026-11-23T08:15:00+01:00'],
      ['in summer, two hours behind Copenhagen', '2026-07-01T06:00:00', '2026-07-01T08:00:00+02:00'],
      ['on the autumn night, where the wall clock shows 02:30 twice', '2026-10-25T01:30:00', '2026-10-25T02:30:00+01:00'],
    ])('is read as UTC %s', (_name, deviceTime, measuredAt) => {
      expect(resolveMeasuredAt({ deviceTime, deviceTimeIsUtc: true, receivedAt: received, timeZone: CPH })).toEqual({ measuredAt, timeSource: 'device', timeUncertain: false });
    });

    it('does not apply the offset measured now to a stamp from an earlier timeline', () => {
      expect(resolveMeasuredAt({ deviceTime: '2026-11-20T07:00:00', deviceTimeIsUtc: true, previousTimeline: true, receivedAt: received, timeZone: CPH, clockOffsetMs: 7 * 60_000 })).toEqual({
        measuredAt: '2026-11-20T08:00:00+01:00',
        timeSource: 'device',
        timeUncertain: false,
      });
    });
  });

  it('measures the device clock offset from the time the device reports now', () => {
    expect(deviceClockOffsetMs('2026-11-23T09:07:00', received, CPH)).toBe(7 * 60_000);
    expect(deviceClockOffsetMs(null, received, CPH)).toBeNull();
  });
});
