import { formatInstant, wallClockToInstant, type TimeSource } from '@tm/contracts';

/** Readings stamped before this are from a device whose clock was never set (or reset by a battery change). */
export const EARLIEST_PLAUSIBLE = Date.UTC(2020, 0, 1);
/** A device clock ahead of the gateway by more than this is wrong, not merely early. */
export const MAX_FUTURE_MS = 10 * 60_000;
/** Drift below this is left alone: it is within what a person could notice on the device display. */
export const DEFAULT_CORRECTION_TOLERANCE_MS = 60_000;

/** A device's local "YYYY-MM-DDTHH:mm:ss" in the zone as epoch ms; null when it is not a real calendar time. */
const localToMs = (local: string, timeZone: string): number | null => wallClockToInstant(local, timeZone)?.getTime() ?? null;

/**
 * How far the device clock is ahead of the gateway (negative: behind), from the device's
 * current time read during the session. Null when the device did not tell its time.
 */
export function deviceClockOffsetMs(deviceNow: string | null | undefined, gatewayNow: Date, timeZone: string): number | null {
  if (!deviceNow) return null;
  const instant = localToMs(deviceNow, timeZone);
  return instant === null ? null : instant - gatewayNow.getTime();
}

export interface ClockInput {
  /** Wall-clock time the device stamped, "YYYY-MM-DDTHH:mm:ss"; null when unset (all zero on the wire) or not sent. */
  deviceTime: string | null;
  /**
   * The device says the stamp came from a clock nobody set (PLX flags bit 4, a BLS/WSS stamp with
   * year 0, GHS sync source "not synchronized"), however plausible the date looks.
   */
  deviceClockNotSet?: boolean;
  /** `deviceTime` is UTC (GHS), not the wall clock of the home. */
  deviceTimeIsUtc?: boolean;
  /** Stamped before the device clock was last changed (GHS): the offset measured now does not apply to it. */
  previousTimeline?: boolean;
  /** When the gateway received the reading. */
  receivedAt: Date;
  /** The gateway's IANA zone: device clocks show local time. */
  timeZone: string;
  /** Device clock minus gateway clock, measured in this session; null/undefined when not known. */
  clockOffsetMs?: number | null;
  correctionToleranceMs?: number;
}

export interface ResolvedTime {
  measuredAt: string;
  timeSource: TimeSource;
  /**
   * The reading's time is not known to within minutes: a stamp from an unset clock, or the
   * reception time standing in for a record taken earlier. Its order among the device's records
   * is kept, but a rule must not read it as falling inside a time window.
   */
  timeUncertain: boolean;
}

/**
 * When a reading was taken — the rule for trusting a device clock, stated once:
 *
 * 1. A stamp from a clock that was set is the device's time. A known clock offset (the device
 *    clock read in this session) of at least the tolerance is taken off first ('device-corrected'),
 *    so a clock that drifted still dates its stored records correctly.
 * 2. A stamp from a clock nobody set — the device says so, or it is before 2020 — says nothing
 *    by itself. If the clock is still unset now (read in this session, off by at least the
 *    tolerance), the stamp and the clock are on the same made-up timeline and the offset places
 *    the record ('device-corrected'); a battery change in between cannot be seen, so the time is
 *    uncertain. Otherwise the reception time is used, uncertain.
 * 3. Whatever then lies before 2020 or more than 10 minutes ahead of the gateway cannot be
 *    trusted: the reception time is used, uncertain.
 * 4. No stamp at all: the reception time; uncertain when the device has a clock that was unset
 *    (a record kept from before the gateway set it), not when the device sends no time (a
 *    reading delivered as it is taken).
 */
export function resolveMeasuredAt(input: ClockInput): ResolvedTime {
  const { receivedAt, timeZone } = input;
  const now = receivedAt.getTime();
  const gateway = (timeUncertain: boolean): ResolvedTime => ({ measuredAt: formatInstant(now, timeZone), timeSource: 'gateway', timeUncertain });
  const unsetClock = input.deviceClockNotSet === true;
  if (input.deviceTime === null) return gateway(unsetClock);
  const stamped = localToMs(input.deviceTime, input.deviceTimeIsUtc ? 'UTC' : timeZone);
  if (stamped === null) return gateway(true);
  const offset = input.previousTimeline ? 0 : (input.clockOffsetMs ?? 0);
  const corrected = Math.abs(offset) >= (input.correctionToleranceMs ?? DEFAULT_CORRECTION_TOLERANCE_MS);
  const plausible = (t: number) => t >= EARLIEST_PLAUSIBLE && t <= now + MAX_FUTURE_MS;
  const at = (t: number, timeSource: TimeSource, timeUncertain: boolean): ResolvedTime => ({ measuredAt: formatInstant(t, timeZone), timeSource, timeUncertain });
  if (unsetClock || stamped < EARLIEST_PLAUSIBLE) return corrected && plausible(stamped - offset) ? at(stamped - offset, 'device-corrected', true) : gateway(true);
  const instant = corrected ? stamped - offset : stamped;
  if (!plausible(instant)) return gateway(true);
  return at(instant, corrected ? 'device-corrected' : 'device', false);
}
