import type { Component, DecodedReading, Flags } from '@tm/contracts';
import { LOINC } from '@tm/contracts';
import { ByteReader, DecodeError, type MderValue } from '@tm/ieee11073';
import { MDC_OBSERVATION, MDC_UNIT } from './profile';

/**
 * A documented subset of the GHS 1.0 Health Observation layout: numeric observations and bundles of
 * them, in one segment or reassembled. See README "GHS subset" for what is and is not decoded.
 */
export const OBSERVATION_CLASS = { numeric: 0x00, bundle: 0xff } as const;

export const OBSERVATION_FLAG = {
  observationType: 0x0001,
  timestamp: 0x0002,
  measurementDuration: 0x0004,
  measurementStatus: 0x0008,
  objectId: 0x0010,
  patient: 0x0020,
  supplementalInformation: 0x0040,
  derivedFrom: 0x0080,
  hasMember: 0x0100,
  tlvs: 0x0200,
} as const;

export const SEGMENT = { first: 0x01, last: 0x02 } as const;
export const GHS_TIMESTAMP_LENGTH = 9;
/** GHS/ETS time values count from 2000-01-01T00:00:00. */
const EPOCH_2000_MS = Date.UTC(2000, 0, 1);
/** Time resolution, flags bits 2–3: 1 s, 100 ms, 1 ms, 100 µs. */
const TICKS_PER_SECOND = [1, 10, 1000, 10000] as const;
const UNKNOWN_PATIENT = 0xff;

/**
 * Flags of the GHS time stamp, which has the layout of the Elapsed Time characteristic (GATT
 * Specification Supplement §3.82): bit 0 tick counter, bit 1 UTC (else local time), bits 2–3
 * resolution, bit 4 TZ/DST offset used, bit 5 current timeline, bits 6–7 reserved.
 */
export const TIMESTAMP_FLAG = { tickCounter: 0x01, utc: 0x02, tzDstUsed: 0x10, currentTimeline: 0x20 } as const;
export const TIMESTAMP_RESOLUTION_SHIFT = 2;
/** Time Sync Source Type 7 "not synchronized": a clock nobody set (the PLX "device clock not set"). */
export const TIME_SYNC_NOT_SYNCHRONIZED = 7;

export interface GhsTimestamp {
  /**
   * "YYYY-MM-DDTHH:mm:ss": UTC when `utc` (also a local time sent with its offset, converted),
   * else the device's local wall clock without an offset; null for a tick counter.
   */
  time: string | null;
  utc: boolean;
  /** The TZ/DST offset the device sent, in minutes, when it used one. */
  offsetMinutes: number | null;
  /** Sync source "not synchronized". */
  clockNotSynchronized: boolean;
  /** Current-timeline flag clear: stamped before the device clock was last changed. */
  previousTimeline: boolean;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function formatUtcFields(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** GHS time stamp (Elapsed Time layout): flags, uint48 time value, time sync source, TZ/DST offset (sint8, 15 min). */
export function readGhsTimestamp(r: ByteReader): GhsTimestamp {
  const flags = r.u8('time stamp flags');
  const value = r.u48('time stamp value');
  const syncSource = r.u8('time sync source');
  const offsetUnits = r.s8('TZ/DST offset');
  const clockNotSynchronized = syncSource === TIME_SYNC_NOT_SYNCHRONIZED;
  const previousTimeline = (flags & TIMESTAMP_FLAG.currentTimeline) === 0;
  if (flags & TIMESTAMP_FLAG.tickCounter) return { time: null, utc: false, offsetMinutes: null, clockNotSynchronized, previousTimeline };
  const ticksPerSecond = TICKS_PER_SECOND[(flags >> TIMESTAMP_RESOLUTION_SHIFT) & 0x03] ?? 1;
  const ms = EPOCH_2000_MS + Math.floor(value / ticksPerSecond) * 1000;
  const offsetMinutes = flags & TIMESTAMP_FLAG.tzDstUsed ? offsetUnits * 15 : null;
  const common = { offsetMinutes, clockNotSynchronized, previousTimeline };
  if (flags & TIMESTAMP_FLAG.utc) return { time: formatUtcFields(ms), utc: true, ...common };
  // Local time with its offset from UTC is an instant: local − offset.
  if (offsetMinutes !== null) return { time: formatUtcFields(ms - offsetMinutes * 60_000), utc: true, ...common };
  return { time: formatUtcFields(ms), utc: false, ...common };
}

/**
 * GHS Measurement Status (uint16), bit -> flag name, spelled as the PLX status names where the
 * meaning is the same, so UNTRUSTED_READING_FLAGS in @tm/contracts covers both. Bits as in IEEE
 * 11073-10206 ACOM MeasurementStatus; see README "What is unverified".
 */
export const MEASUREMENT_STATUS_BITS: ReadonlyArray<readonly [number, string]> = [
  [0, 'invalidMeasurement'],
  [1, 'questionableMeasurement'],
  [2, 'measurementUnavailable'],
  [3, 'calibrationOngoing'],
  [4, 'dataForTesting'],
  [5, 'earlyEstimatedData'],
  [6, 'manuallyEntered'],
];
/** Named status bits that are set become flags; unnamed set bits are listed; the raw value is kept. */
function statusFlags(status: number, flags: Flags): void {
  if (status === 0) return;
  flags.measurementStatusRaw = status;
  const named = new Set(MEASUREMENT_STATUS_BITS.map(([bit]) => bit));
  for (const [bit, name] of MEASUREMENT_STATUS_BITS) if ((status >>> bit) & 1) flags[name] = true;
  const other = Array.from({ length: 16 }, (_, bit) => bit).filter((bit) => (status >>> bit) & 1 && !named.has(bit));
  if (other.length > 0) flags.measurementStatusOtherBits = other.join(',');
}

interface Header {
  classType: number;
  end: number;
  observationType: number | null;
  timestamp: GhsTimestamp | null;
  /** Measurement Status, 0 when absent. */
  status: number;
  patient: number | null;
}

function readCountedIds(r: ByteReader, field: string): void {
  const count = r.u8(`${field} count`);
  for (let i = 0; i < count; i++) r.u32(`${field} ${i + 1}`);
}

/** Class type, length, flags and the optional common fields, in the order of the flag bits. */
function readHeader(r: ByteReader): Header {
  const start = r.offset;
  const classType = r.u8('observation class type');
  const length = r.u16('observation length');
  const end = start + length;
  if (length < 5) throw new DecodeError(`${r.context}: observation length ${length} at offset ${start} is shorter than its own header`);
  if (end > start + 3 + r.remaining) throw new DecodeError(`${r.context}: observation at offset ${start} announces ${length} bytes, only ${3 + r.remaining} follow`);
  const flags = r.u16('observation flags');
  if (flags & OBSERVATION_FLAG.tlvs) throw new DecodeError(`${r.context}: observation at offset ${start} carries TLVs, which this decoder does not support`);
  const observationType = flags & OBSERVATION_FLAG.observationType ? r.u32('observation type') : null;
  const timestamp = flags & OBSERVATION_FLAG.timestamp ? readGhsTimestamp(r) : null;
  if (flags & OBSERVATION_FLAG.measurementDuration) r.float('measurement duration');
  const status = flags & OBSERVATION_FLAG.measurementStatus ? r.u16('measurement status') : 0;
  if (flags & OBSERVATION_FLAG.objectId) r.u32('object id');
  const patient = flags & OBSERVATION_FLAG.patient ? r.u8('patient') : null;
  if (flags & OBSERVATION_FLAG.supplementalInformation) readCountedIds(r, 'supplemental information');
  if (flags & OBSERVATION_FLAG.derivedFrom) readCountedIds(r, 'derived-from');
  if (flags & OBSERVATION_FLAG.hasMember) readCountedIds(r, 'has-member');
  return { classType, end, observationType, timestamp, status, patient };
}

interface NumericObservation {
  observationType: number | null;
  unitCode: number;
  value: MderValue;
}

function readNumeric(r: ByteReader, header: Header): NumericObservation {
  const unitCode = r.u32('unit code');
  const value = r.float('value');
  if (r.offset !== header.end) throw new DecodeError(`${r.context}: numeric observation ends at offset ${r.offset}, its length says ${header.end}`);
  return { observationType: header.observationType, unitCode, value };
}

const round = (v: number, decimals: number) => Math.round(v * 10 ** decimals) / 10 ** decimals;

interface Mapping {
  name: string;
  code: string;
  unit: string;
  convert: Partial<Record<number, (v: number) => number>>;
}

const MAPPINGS: ReadonlyMap<number, Mapping> = new Map([
  [MDC_OBSERVATION.fev1, { name: 'FEV1', code: LOINC.fev1, unit: 'L', convert: { [MDC_UNIT.litre]: (v: number) => v, [MDC_UNIT.millilitre]: (v: number) => round(v / 1000, 3) } }],
  [MDC_OBSERVATION.fvc, { name: 'FVC', code: LOINC.fvc, unit: 'L', convert: { [MDC_UNIT.litre]: (v: number) => v, [MDC_UNIT.millilitre]: (v: number) => round(v / 1000, 3) } }],
  [MDC_OBSERVATION.fev1FvcRatio, { name: 'FEV1/FVC', code: LOINC.fev1FvcRatio, unit: '%', convert: { [MDC_UNIT.percent]: (v: number) => v, [MDC_UNIT.dimensionless]: (v: number) => round(v * 100, 1) } }],
  [MDC_OBSERVATION.pef, { name: 'PEF', code: LOINC.pef, unit: 'L/min', convert: { [MDC_UNIT.litrePerMinute]: (v: number) => v, [MDC_UNIT.litrePerSecond]: (v: number) => round(v * 60, 1) } }],
]);

function addObservation(o: NumericObservation, components: Component[], flags: Flags, unmapped: number[]): void {
  const mapping = o.observationType === null ? undefined : MAPPINGS.get(o.observationType);
  if (!mapping) {
    unmapped.push(o.observationType ?? 0);
    return;
  }
  const convert = mapping.convert[o.unitCode];
  if (!convert) throw new DecodeError(`health observation: ${mapping.name} in MDC unit ${o.unitCode} cannot be converted to ${mapping.unit}`);
  if (o.value.kind === 'number') components.push({ code: mapping.code, value: convert(o.value.value), unit: mapping.unit });
  else flags[`${mapping.name.replace('/', '')}Unavailable`] = o.value.kind;
}

/**
 * What the gateway needs to place the stamp in time: `deviceTimeIsUtc` (deviceTime is UTC, not
 * the home's wall clock), `deviceUtcOffsetMinutes` (the device's own TZ/DST offset, for the
 * record), `deviceClockNotSet` (sync source "not synchronized"), `previousTimeline` (stamped
 * before the device clock was last changed: an offset measured now does not apply to it).
 */
function timeFlags(t: GhsTimestamp, flags: Flags): void {
  if (t.time === null) return;
  if (t.utc) flags.deviceTimeIsUtc = true;
  if (t.offsetMinutes !== null) flags.deviceUtcOffsetMinutes = t.offsetMinutes;
  if (t.clockNotSynchronized) flags.deviceClockNotSet = true;
  if (t.previousTimeline) flags.previousTimeline = true;
}

/** One reassembled Health Observation (no segmentation header): a numeric observation or a bundle of them. */
export function decodeObservationBody(body: Uint8Array): DecodedReading {
  const r = new ByteReader(body, 'health observation');
  const header = readHeader(r);
  const components: Component[] = [];
  const flags: Flags = {};
  const unmapped: number[] = [];
  let timestamp = header.timestamp;
  let patient = header.patient;
  // One measurement on the wire: a doubt about any member is a doubt about the test.
  let status = header.status;
  if (header.classType === OBSERVATION_CLASS.numeric) {
    addObservation(readNumeric(r, header), components, flags, unmapped);
  } else if (header.classType === OBSERVATION_CLASS.bundle) {
    const count = r.u8('number of observations');
    for (let i = 0; i < count; i++) {
      const member = readHeader(r);
      if (member.classType !== OBSERVATION_CLASS.numeric)
        throw new DecodeError(`health observation: bundle member ${i + 1} has class type 0x${member.classType.toString(16)}; only numeric observations are decoded`);
      timestamp ??= member.timestamp;
      patient ??= member.patient;
      status |= member.status;
      addObservation(readNumeric(r, member), components, flags, unmapped);
    }
    if (r.offset !== header.end) throw new DecodeError(`health observation: bundle ends at offset ${r.offset}, its length says ${header.end}`);
  } else {
    throw new DecodeError(`health observation: class type 0x${header.classType.toString(16).padStart(2, '0')} is not supported (numeric 0x00 and bundle 0xff only)`);
  }
  r.expectEnd();
  if (unmapped.length > 0) flags.unmappedObservationTypes = unmapped.join(',');
  statusFlags(status, flags);
  if (timestamp) timeFlags(timestamp, flags);
  return { type: 'spirometry', components, deviceTime: timestamp?.time ?? null, userId: patient === null || patient === UNKNOWN_PATIENT ? null : patient, flags };
}

/** A Live/Stored Health Observations value that holds a whole observation (first and last segment). */
export function decodeHealthObservation(bytes: Uint8Array): DecodedReading {
  const r = new ByteReader(bytes, 'health observation');
  const segment = r.u8('segmentation header');
  if ((segment & (SEGMENT.first | SEGMENT.last)) !== (SEGMENT.first | SEGMENT.last))
    throw new DecodeError(`health observation: segment 0x${segment.toString(16).padStart(2, '0')} is part of a longer observation; reassemble the segments (HealthObservationAssembler) before decoding`);
  return decodeObservationBody(bytes.subarray(1));
}

/** Reassembles segmented observations: push each notification, get the body when the last segment arrives. */
export class HealthObservationAssembler {
  private parts: Uint8Array[] = [];
  private expectedCounter: number | null = null;

  push(value: Uint8Array): Uint8Array | null {
    const header = value[0];
    if (header === undefined) throw new DecodeError('health observation: empty segment');
    const counter = header >> 2;
    if (header & SEGMENT.first) this.parts = [];
    else if (this.expectedCounter === null || counter !== this.expectedCounter) {
      this.parts = [];
      this.expectedCounter = null;
      throw new DecodeError(`health observation: segment ${counter} arrived out of order; observation dropped`);
    }
    this.parts.push(value.subarray(1));
    this.expectedCounter = (counter + 1) & 0x3f;
    if (!(header & SEGMENT.last)) return null;
    const body = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of this.parts) {
      body.set(p, at);
      at += p.length;
    }
    this.parts = [];
    this.expectedCounter = null;
    return body;
  }
}

export interface HealthSensorFeatures {
  supportedObservationTypes: number[];
}

/** Health Sensor Features (0x2BF3), subset: flags, then a counted list of supported observation types. */
export function decodeHealthSensorFeatures(bytes: Uint8Array): HealthSensorFeatures {
  const r = new ByteReader(bytes, 'health sensor features');
  r.u8('flags');
  const count = r.u8('number of observation types');
  const supportedObservationTypes: number[] = [];
  for (let i = 0; i < count; i++) supportedObservationTypes.push(r.u32(`observation type ${i + 1}`));
  return { supportedObservationTypes };
}
