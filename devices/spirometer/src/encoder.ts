import { ByteWriter, EncodeError, fieldsFromDateTime, type LocalDateTime, type MderSpecial } from '@tm/ieee11073';
import { GHS_TIMESTAMP_LENGTH, MEASUREMENT_STATUS_BITS, OBSERVATION_CLASS, OBSERVATION_FLAG, SEGMENT, TIME_SYNC_NOT_SYNCHRONIZED, TIMESTAMP_FLAG } from './decoder';

type Value = number | { kind: MderSpecial };

export interface TimestampInput {
  /** The device's wall clock; with `utc`, the UTC time itself. */
  local: LocalDateTime;
  /** When given, the time is sent as UTC with this TZ/DST offset (a multiple of 15 minutes). */
  utcOffsetMinutes?: number;
  /** Sent as UTC without an offset: `local` is then read as UTC. */
  utc?: boolean;
  /** Time sync source "not synchronized" (a clock nobody set). */
  clockNotSynchronized?: boolean;
  /** Clears the current-timeline flag (stamped before the device clock was last changed). */
  previousTimeline?: boolean;
}

/** Names from MEASUREMENT_STATUS_BITS that are set. */
export type MeasurementStatusNames = readonly string[];

export interface NumericObservationInput {
  observationType: number;
  unitCode: number;
  value: Value;
  timestamp?: TimestampInput;
  measurementStatus?: MeasurementStatusNames;
  patient?: number;
}

const EPOCH_2000_MS = Date.UTC(2000, 0, 1);

/** GHS time stamp (Elapsed Time layout), 1-second resolution. */
export function encodeGhsTimestamp(t: TimestampInput): Uint8Array {
  const f = fieldsFromDateTime(t.local);
  const wallMs = Date.UTC(f.year, f.month - 1, f.day, f.hours, f.minutes, f.seconds);
  const timeline = t.previousTimeline ? 0 : TIMESTAMP_FLAG.currentTimeline;
  const sync = t.clockNotSynchronized ? TIME_SYNC_NOT_SYNCHRONIZED : 0;
  const w = new ByteWriter();
  if (t.utcOffsetMinutes !== undefined) {
    if (t.utcOffsetMinutes % 15 !== 0) throw new EncodeError(`TZ/DST offset ${t.utcOffsetMinutes} min is not a multiple of 15`);
    const utcMs = wallMs - t.utcOffsetMinutes * 60_000;
    w.u8(timeline | TIMESTAMP_FLAG.utc | TIMESTAMP_FLAG.tzDstUsed).u48((utcMs - EPOCH_2000_MS) / 1000).u8(sync).s8(t.utcOffsetMinutes / 15);
  } else {
    w.u8(timeline | (t.utc ? TIMESTAMP_FLAG.utc : 0)).u48((wallMs - EPOCH_2000_MS) / 1000).u8(sync).s8(0);
  }
  const bytes = w.toBytes();
  if (bytes.length !== GHS_TIMESTAMP_LENGTH) throw new EncodeError('GHS time stamp must be 9 bytes');
  return bytes;
}

function statusBits(names: MeasurementStatusNames): number {
  return names.reduce((acc, name) => {
    const entry = MEASUREMENT_STATUS_BITS.find(([, n]) => n === name);
    if (!entry) throw new EncodeError(`unknown measurement status "${name}"`);
    return acc | (1 << entry[0]);
  }, 0);
}

function header(classType: number, flags: number, fields: Uint8Array, bodyLength: number): Uint8Array {
  const length = 1 + 2 + 2 + fields.length + bodyLength;
  return new ByteWriter().u8(classType).u16(length).u16(flags).bytes(fields).toBytes();
}

/** The optional common fields, in the order of their flag bits. */
function commonFields(o: { observationType?: number; timestamp?: TimestampInput; measurementStatus?: MeasurementStatusNames; patient?: number }): { flags: number; fields: Uint8Array } {
  const w = new ByteWriter();
  let flags = 0;
  if (o.observationType !== undefined) {
    flags |= OBSERVATION_FLAG.observationType;
    w.u32(o.observationType);
  }
  if (o.timestamp) {
    flags |= OBSERVATION_FLAG.timestamp;
    w.bytes(encodeGhsTimestamp(o.timestamp));
  }
  if (o.measurementStatus) {
    flags |= OBSERVATION_FLAG.measurementStatus;
    w.u16(statusBits(o.measurementStatus));
  }
  if (o.patient !== undefined) {
    flags |= OBSERVATION_FLAG.patient;
    w.u8(o.patient);
  }
  return { flags, fields: w.toBytes() };
}

/** One numeric Health Observation body (before segmentation). */
export function encodeNumericObservation(o: NumericObservationInput): Uint8Array {
  const { flags, fields } = commonFields(o);
  const value = new ByteWriter().u32(o.unitCode).float(o.value).toBytes();
  return new ByteWriter().bytes(header(OBSERVATION_CLASS.numeric, flags, fields, value.length)).bytes(value).toBytes();
}

/** A bundle (one spirometry test: FEV1, FVC, ratio, PEF) sharing one time stamp and patient. */
export function encodeObservationBundle(b: {
  timestamp?: TimestampInput;
  measurementStatus?: MeasurementStatusNames;
  patient?: number;
  observations: Omit<NumericObservationInput, 'timestamp' | 'patient'>[];
}): Uint8Array {
  const { flags, fields } = commonFields(b);
  const members = b.observations.map((o) => encodeNumericObservation(o));
  const body = new ByteWriter().u8(members.length);
  for (const m of members) body.bytes(m);
  const bodyBytes = body.toBytes();
  return new ByteWriter().bytes(header(OBSERVATION_CLASS.bundle, flags, fields, bodyBytes.length)).bytes(bodyBytes).toBytes();
}

/**
 * Splits a body into Health Observations values of at most `maxValueLength` bytes (ATT MTU − 3),
 * each with its segmentation header; `counter` continues the rolling 6-bit segment number.
 */
export function segmentObservation(body: Uint8Array, maxValueLength = 20, counter = 0): Uint8Array[] {
  if (maxValueLength < 2) throw new EncodeError('a segment needs room for its header and at least one byte');
  const size = maxValueLength - 1;
  const count = Math.max(1, Math.ceil(body.length / size));
  return Array.from({ length: count }, (_, i) => {
    const header = (((counter + i) & 0x3f) << 2) | (i === 0 ? SEGMENT.first : 0) | (i === count - 1 ? SEGMENT.last : 0);
    return new ByteWriter()
      .u8(header)
      .bytes(body.subarray(i * size, (i + 1) * size))
      .toBytes();
  });
}

/** Health Sensor Features (0x2BF3) bytes for the subset the decoder reads. */
export function encodeHealthSensorFeatures(f: { supportedObservationTypes: number[] }): Uint8Array {
  const w = new ByteWriter().u8(0).u8(f.supportedObservationTypes.length);
  for (const t of f.supportedObservationTypes) w.u32(t);
  return w.toBytes();
}
