/**
 * Wall-clock time in an IANA time zone, stated once: what a clock on the wall in the home (or the
 * clinic) shows at an instant, which instant a wall-clock time means, and the calendar date of an
 * instant. Pure and dependency-free (Intl only). Device clocks show local time, plan days are
 * counted in Copenhagen, and the patient's app writes dates as the patient's clock shows them.
 */

/** The clinics' time zone: programme days are counted here and the patients' clocks show it. */
export const CLINIC_TIME_ZONE = 'Europe/Copenhagen';

/** An instant: a Date or milliseconds since the epoch. */
export type Instant = Date | number;

/** A wall-clock time, each field as a clock shows it (month 1–12, hour 0–23). */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** A wall-clock time with its ISO weekday (1 Monday … 7 Sunday). */
export interface WallClockParts extends WallClock {
  weekday: number;
}

const DAY_MS = 86_400_000;
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const toMs = (instant: Instant): number => (typeof instant === 'number' ? instant : instant.getTime());

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The zone's offset per UTC day, read from Intl once: formatToParts costs ~6 µs a call, and the
 * board's adherence column at a ward's size asks hundreds of thousands of times (issue 16). A day
 * whose two ends have different offsets (a DST change, a historical local-mean-time offset) is
 * read per quarter hour the same way, and a quarter hour with a change in it exactly every time.
 */
const QUARTER_MS = 15 * 60_000;
const MAX_CACHED_SPANS = 100_000;
/** zone -> span length -> span start -> the offset all through it, or null when it changes within it */
const spanOffsets = new Map<string, Map<number, Map<number, number | null>>>();

function spanOffset(instantMs: number, length: number, timeZone: string): number | null {
  let zone = spanOffsets.get(timeZone);
  if (!zone) spanOffsets.set(timeZone, (zone = new Map()));
  let spans = zone.get(length);
  if (!spans) zone.set(length, (spans = new Map()));
  const start = Math.floor(instantMs / length) * length;
  let offset = spans.get(start);
  if (offset === undefined) {
    const last = start + length - 1000;
    const atStart = asUtc(readWallClockExactly(start, timeZone)) - start;
    offset = atStart === asUtc(readWallClockExactly(last, timeZone)) - last ? atStart : null;
    if (spans.size >= MAX_CACHED_SPANS) spans.clear();
    spans.set(start, offset);
  }
  return offset;
}

function readWallClock(instantMs: number, timeZone: string): WallClock {
  if (!Number.isFinite(instantMs)) return readWallClockExactly(instantMs, timeZone);
  const offset = spanOffset(instantMs, DAY_MS, timeZone) ?? spanOffset(instantMs, QUARTER_MS, timeZone);
  if (offset === null) return readWallClockExactly(instantMs, timeZone);
  const d = new Date(instantMs + offset);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

function readWallClockExactly(instantMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(instantMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

/** The wall-clock fields read as if they were UTC, in ms: the zone-free number of a wall-clock time. */
const asUtc = (w: WallClock): number => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** The wall clock of the zone at an instant. */
export function wallClockParts(instant: Instant, timeZone: string): WallClockParts {
  const w = readWallClock(toMs(instant), timeZone);
  return { ...w, weekday: ((new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay() + 6) % 7) + 1 };
}

/** Offset of the zone from UTC at an instant, in ms (Copenhagen in winter: +3 600 000). */
export function zoneOffsetMs(instant: Instant, timeZone: string): number {
  const whole = Math.floor(toMs(instant) / 1000) * 1000;
  return asUtc(readWallClock(whole, timeZone)) - whole;
}

/** Parses a local "YYYY-MM-DDTHH:mm:ss"; null when it is not a real calendar time. */
export function parseWallClock(local: string): WallClock | null {
  const m = LOCAL_TIME.exec(local);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const w: WallClock = { year, month, day, hour, minute, second };
  return isRealWallClock(w) ? w : null;
}

function isRealWallClock(w: WallClock): boolean {
  const back = new Date(asUtc(w));
  return back.getUTCFullYear() === w.year && back.getUTCMonth() === w.month - 1 && back.getUTCDate() === w.day && w.hour <= 23 && w.minute <= 59 && w.second <= 59;
}

/**
 * A wall-clock time in the zone (fields, or a local "YYYY-MM-DDTHH:mm:ss") -> the instant it
 * means; null when it is not a real calendar time. Across DST: a time that occurs twice (autumn)
 * is the first occurrence; a time that does not exist (spring) is moved forward by the gap, as a
 * clock that was not yet turned forward would show it (Temporal's "compatible").
 */
export function wallClockToInstant(local: string | WallClock, timeZone: string): Date | null {
  const w = typeof local === 'string' ? parseWallClock(local) : isRealWallClock(local) ? local : null;
  if (w === null) return null;
  const wall = asUtc(w);
  const before = zoneOffsetMs(wall - DAY_MS, timeZone);
  const after = zoneOffsetMs(wall + DAY_MS, timeZone);
  const candidates = [...new Set([wall - before, wall - after])].filter((c) => asUtc(readWallClock(c, timeZone)) === wall);
  return new Date(candidates.length > 0 ? Math.min(...candidates) : wall - before);
}

/** The calendar date of an instant in the zone: `2026-11-23`. */
export function localDate(instant: Instant | string, timeZone: string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : toMs(instant);
  // the same instant asked again and again (a day's count of readings, each at the day's start) is answered once
  if (ms === lastLocalDate.ms && timeZone === lastLocalDate.timeZone) return lastLocalDate.date;
  const w = readWallClock(ms, timeZone);
  const date = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
  lastLocalDate = { ms, timeZone, date };
  return date;
}
let lastLocalDate = { ms: Number.NaN, timeZone: '', date: '' };

/** The wall-clock time of an instant in the zone, as BLE devices keep it: `2026-11-23T07:59:40`. */
export function localDateTime(instant: Instant, timeZone: string): string {
  const w = readWallClock(toMs(instant), timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** An instant as ISO 8601 with the zone's offset at that instant: `2026-11-23T07:59:40+01:00`. */
export function formatInstant(instant: Instant, timeZone: string): string {
  const whole = Math.floor(toMs(instant) / 1000) * 1000;
  const offsetMin = Math.round(zoneOffsetMs(whole, timeZone) / 60_000);
  const local = new Date(whole + offsetMin * 60_000).toISOString().slice(0, 19);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The instant a local calendar day (`2026-11-23`) begins in the zone: its midnight, or the first time after it. */
export function startOfLocalDay(date: string, timeZone: string): Date {
  return wallClockToInstant(`${date}T00:00:00`, timeZone) ?? new Date(Number.NaN);
}

// ---- calendar dates, free of time zones -------------------------------------------------------

/** Days since 1970-01-01 of a calendar date `YYYY-MM-DD`. */
export const dayNumber = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
/** The calendar date of a day number. */
export const dateOfDayNumber = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);
/** The calendar date `n` days after (negative: before) a date. */
export const addDays = (date: string, n: number): string => dateOfDayNumber(dayNumber(date) + n);
