import { DecodeError, EncodeError } from './errors';

/** A device's local wall-clock time, 'YYYY-MM-DDTHH:mm:ss' (no offset: BLE Date Time carries none). */
export type LocalDateTime = string;

export const DATE_TIME_LENGTH = 7;
export const CURRENT_TIME_LENGTH = 10;

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Fields of a Date Time (Bluetooth org.bluetooth.characteristic.date_time). */
export interface DateTimeFields {
  year: number;
  month: number;
  day: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** Year, month or day 0 means "not known" (a device whose clock was never set): null. */
export function dateTimeFromFields(f: DateTimeFields, context = 'date time'): LocalDateTime | null {
  if (f.year === 0 || f.month === 0 || f.day === 0) return null;
  if (f.year < 1582 || f.year > 9999) throw new DecodeError(`${context}: year ${f.year} is outside 1582–9999`);
  if (f.month > 12) throw new DecodeError(`${context}: month ${f.month} is outside 1–12`);
  if (f.day > daysInMonth(f.year, f.month)) throw new DecodeError(`${context}: day ${f.day} does not exist in ${f.year}-${pad(f.month)}`);
  if (f.hours > 23 || f.minutes > 59 || f.seconds > 59)
    throw new DecodeError(`${context}: time ${f.hours}:${f.minutes}:${f.seconds} is not a valid time of day`);
  return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}T${pad(f.hours)}:${pad(f.minutes)}:${pad(f.seconds)}`;
}

export function fieldsFromDateTime(value: LocalDateTime | null): DateTimeFields {
  if (value === null) return { year: 0, month: 0, day: 0, hours: 0, minutes: 0, seconds: 0 };
  const m = LOCAL_DATE_TIME.exec(value);
  if (!m) throw new EncodeError(`date time "${value}" is not YYYY-MM-DDTHH:mm:ss`);
  const [year, month, day, hours, minutes, seconds] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const fields = { year, month, day, hours, minutes, seconds };
  try {
    dateTimeFromFields(fields);
  } catch (e) {
    throw new EncodeError((e as Error).message);
  }
  return fields;
}

/** Decodes 7 bytes at offset (little-endian year, then month, day, hours, minutes, seconds). */
export function decodeDateTime(bytes: Uint8Array, offset = 0, context = 'date time'): LocalDateTime | null {
  if (bytes.length - offset < DATE_TIME_LENGTH)
    throw new DecodeError(`${context}: needs ${DATE_TIME_LENGTH} bytes for date time at offset ${offset}, got ${Math.max(0, bytes.length - offset)}`);
  const b = (i: number) => bytes[offset + i] ?? 0;
  return dateTimeFromFields({ year: b(0) | (b(1) << 8), month: b(2), day: b(3), hours: b(4), minutes: b(5), seconds: b(6) }, context);
}

export function encodeDateTime(value: LocalDateTime | null): Uint8Array {
  const f = fieldsFromDateTime(value);
  return Uint8Array.of(f.year & 0xff, f.year >> 8, f.month, f.day, f.hours, f.minutes, f.seconds);
}

export interface AdjustReason {
  manualTimeUpdate: boolean;
  externalReferenceTimeUpdate: boolean;
  changeOfTimeZone: boolean;
  changeOfDst: boolean;
}

/** Bluetooth Current Time (0x2A2B): Exact Time 256 + Adjust Reason. */
export interface CurrentTime {
  dateTime: LocalDateTime | null;
  /** 1 = Monday … 7 = Sunday, 0 = unknown. */
  dayOfWeek: number;
  fractions256: number;
  adjustReason: AdjustReason;
}

const NO_ADJUSTMENT: AdjustReason = { manualTimeUpdate: false, externalReferenceTimeUpdate: false, changeOfTimeZone: false, changeOfDst: false };

/** ISO day of week (1 = Monday) of a local date time. */
export function dayOfWeekOf(value: LocalDateTime): number {
  const f = fieldsFromDateTime(value);
  const jsDay = new Date(Date.UTC(f.year, f.month - 1, f.day)).getUTCDay();
  return jsDay === 0 ? 7 : jsDay;
}

export function decodeCurrentTime(bytes: Uint8Array, context = 'current time'): CurrentTime {
  if (bytes.length < CURRENT_TIME_LENGTH)
    throw new DecodeError(`${context}: needs ${CURRENT_TIME_LENGTH} bytes, got ${bytes.length}`);
  const dateTime = decodeDateTime(bytes, 0, context);
  const dayOfWeek = bytes[7] ?? 0;
  if (dayOfWeek > 7) throw new DecodeError(`${context}: day of week ${dayOfWeek} is outside 0–7`);
  const reason = bytes[9] ?? 0;
  return {
    dateTime,
    dayOfWeek,
    fractions256: bytes[8] ?? 0,
    adjustReason: {
      manualTimeUpdate: (reason & 0x01) !== 0,
      externalReferenceTimeUpdate: (reason & 0x02) !== 0,
      changeOfTimeZone: (reason & 0x04) !== 0,
      changeOfDst: (reason & 0x08) !== 0,
    },
  };
}

/** The day of week is derived from the date unless given; the adjust reason defaults to "manual time update" off. */
export function encodeCurrentTime(value: { dateTime: LocalDateTime | null; dayOfWeek?: number; fractions256?: number; adjustReason?: Partial<AdjustReason> }): Uint8Array {
  const reason = { ...NO_ADJUSTMENT, ...value.adjustReason };
  const dayOfWeek = value.dayOfWeek ?? (value.dateTime === null ? 0 : dayOfWeekOf(value.dateTime));
  if (!Number.isInteger(dayOfWeek) || dayOfWeek < 0 || dayOfWeek > 7) throw new EncodeError(`day of week ${dayOfWeek} is outside 0–7`);
  const fractions = value.fractions256 ?? 0;
  if (!Number.isInteger(fractions) || fractions < 0 || fractions > 255) throw new EncodeError(`fractions256 ${fractions} is outside 0–255`);
  const out = new Uint8Array(CURRENT_TIME_LENGTH);
  out.set(encodeDateTime(value.dateTime), 0);
  out[7] = dayOfWeek;
  out[8] = fractions;
  out[9] =
    (reason.manualTimeUpdate ? 0x01 : 0) | (reason.externalReferenceTimeUpdate ? 0x02 : 0) | (reason.changeOfTimeZone ? 0x04 : 0) | (reason.changeOfDst ? 0x08 : 0);
  return out;
}
