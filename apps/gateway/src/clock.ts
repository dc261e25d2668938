import type { TimeSource } from '@tm/contracts';

/** Readings stamped before this are from a device whose clock was never set (or reset by a battery change). */
export const EARLIEST_PLAUSIBLE = Date.UTC(2020, 0, 1);
/** A device clock ahead of the gateway by more than this is wrong, not merely early. */
export const MAX_FUTURE_MS = 10 * 60_000;
/** Drift below this is left alone: it is within what a person could notice on the device display. */
export const DEFAULT_CORRECTION_TOLERANCE_MS = 60_000;

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a time zone, as if they were UTC. */
function wallClockAsUtc(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(instantMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

/** Offset of the zone from UTC at an instant, in ms (Copenhagen in winter: +3 600 000). */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  return wallClockAsUtc(whole, timeZone) - whole;
}

/** Parses the device's local "YYYY-MM-DDTHH:mm:ss"; null when it is not a real calendar time. */
function parseLocal(local: string): number | null {
  const m = LOCAL_TIME.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return ms;
}

/**
 * A local wall-clock time in an IANA zone -> instant. Across DST: a time that occurs twice
 * (autumn) is the first occurrence; a time that does not exist (spring) is moved forward by the
 * gap, as a clock that was not yet turned forward would show it (Temporal's "compatible").
 */
export function localToInstant(local: string, timeZone: string): number | null {
  const wall = parseLocal(local);
  if (wall === null) return null;
  const day = 86_400_000;
  const before = zoneOffsetMs(wall - day, timeZone);
  const after = zoneOffsetMs(wall + day, timeZone);
  const candidates = [...new Set([wall - before, wall - after])].filter((c) => wallClockAsUtc(c, timeZone) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before;
}

/** An instant as ISO 8601 with the zone's offset at that instant, e.g. 2026-11-23T07:59:40+01:00. */
export function formatInstant(instantMs: number, timeZone: string): string {
  const whole = Math.floor(instantMs / 1000) * 1000;
  const offsetMin = Math.round(zoneOffsetMs(whole, timeZone) / 60_000);
  const local = new Date(whole + offsetMin * 60_000).toISOString().slice(0, 19);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * How far the device clock is ahead of the gateway (negative: behind), from the device's
 * current time read during the session. Null when the device did not tell its time.
 */
export function deviceClockOffsetMs(deviceNow: string | null | undefined, gatewayNow: Date, timeZone: string): number | null {
  if (!deviceNow) return null;
  const instant = localToInstant(deviceNow, timeZone);
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
  const stamped = input.deviceTimeIsUtc ? parseLocal(input.deviceTime) : localToInstant(input.deviceTime, timeZone);
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
