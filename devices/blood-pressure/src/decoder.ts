import type { Component, DecodedReading, Flags } from '@tm/contracts';
import { LOINC } from '@tm/contracts';
import { ByteReader, DecodeError, type MderValue } from '@tm/ieee11073';

/** 1 kPa in mm[Hg] (BLP uses kPa when flags bit 0 is set). */
export const MMHG_PER_KPA = 7.50062;

export type PulseRateRange = 'within' | 'exceedsUpper' | 'belowLower' | 'reserved';
const PULSE_RATE_RANGES: readonly PulseRateRange[] = ['within', 'exceedsUpper', 'belowLower', 'reserved'];

export interface BloodPressureStatus {
  bodyMovement: boolean;
  cuffTooLoose: boolean;
  irregularPulse: boolean;
  pulseRateRange: PulseRateRange;
  improperPosition: boolean;
}

export const BP_FLAG = { kPa: 0x01, timestamp: 0x02, pulseRate: 0x04, userId: 0x08, status: 0x10 } as const;
/** BLP: user id 0xFF is "unknown user". */
export const UNKNOWN_USER = 0xff;

export function statusFromBits(bits: number): BloodPressureStatus {
  return {
    bodyMovement: (bits & 0x01) !== 0,
    cuffTooLoose: (bits & 0x02) !== 0,
    irregularPulse: (bits & 0x04) !== 0,
    pulseRateRange: PULSE_RATE_RANGES[(bits >> 3) & 0x03] ?? 'reserved',
    improperPosition: (bits & 0x20) !== 0,
  };
}

const toMmHg = (kPa: boolean, v: number) => (kPa ? Math.round(v * MMHG_PER_KPA * 10) / 10 : v);

function addComponent(components: Component[], flags: Flags, name: string, value: MderValue, code: string, unit: string, convert: (v: number) => number = (v) => v): void {
  if (value.kind === 'number') components.push({ code, value: convert(value.value), unit });
  else flags[`${name}Unavailable`] = value.kind;
}

interface Common {
  timestamp: string | null;
  userId: number | null;
  flags: Flags;
}

/** The fields after the three pressures, shared by 0x2A35 and 0x2A36. */
function readTail(r: ByteReader, flagBits: number, components: Component[], flags: Flags): Common {
  const timestamp = flagBits & BP_FLAG.timestamp ? r.dateTime('time stamp') : null;
  // A time stamp sent with year, month or day 0 is a clock nobody set (A&D after a battery change).
  if (flagBits & BP_FLAG.timestamp && timestamp === null) flags.deviceClockNotSet = true;
  if (flagBits & BP_FLAG.pulseRate) addComponent(components, flags, 'pulseRate', r.sfloat('pulse rate'), LOINC.pulse, '/min');
  let userId: number | null = null;
  if (flagBits & BP_FLAG.userId) {
    const id = r.u8('user id');
    userId = id === UNKNOWN_USER ? null : id;
  }
  if (flagBits & BP_FLAG.status) Object.assign(flags, statusFromBits(r.u16('measurement status')));
  return { timestamp, userId, flags };
}

/** Blood Pressure Measurement (0x2A35). */
export function decodeBloodPressureMeasurement(bytes: Uint8Array): DecodedReading {
  const r = new ByteReader(bytes, 'blood pressure measurement');
  const flagBits = r.u8('flags');
  const kPa = (flagBits & BP_FLAG.kPa) !== 0;
  const convert = (v: number) => toMmHg(kPa, v);
  const components: Component[] = [];
  const flags: Flags = { pressureUnit: kPa ? 'kPa' : 'mm[Hg]' };
  addComponent(components, flags, 'systolic', r.sfloat('systolic'), LOINC.systolic, 'mm[Hg]', convert);
  addComponent(components, flags, 'diastolic', r.sfloat('diastolic'), LOINC.diastolic, 'mm[Hg]', convert);
  addComponent(components, flags, 'meanArterial', r.sfloat('mean arterial pressure'), LOINC.meanArterial, 'mm[Hg]', convert);
  const tail = readTail(r, flagBits, components, flags);
  return { type: 'blood_pressure', components, deviceTime: tail.timestamp, userId: tail.userId, flags: tail.flags };
}

/**
 * Intermediate Cuff Pressure (0x2A36): same layout, the systolic field carries the current cuff
 * pressure and the others are NaN. Not a reading: no components, the pressure is a flag.
 */
export function decodeIntermediateCuffPressure(bytes: Uint8Array): DecodedReading {
  const r = new ByteReader(bytes, 'intermediate cuff pressure');
  const flagBits = r.u8('flags');
  const kPa = (flagBits & BP_FLAG.kPa) !== 0;
  const flags: Flags = { pressureUnit: kPa ? 'kPa' : 'mm[Hg]', intermediate: true };
  const cuff = r.sfloat('current cuff pressure');
  if (cuff.kind === 'number') flags.cuffPressure = toMmHg(kPa, cuff.value);
  else flags.cuffPressureUnavailable = cuff.kind;
  r.sfloat('diastolic (unused)');
  r.sfloat('mean arterial pressure (unused)');
  const components: Component[] = [];
  const tail = readTail(r, flagBits, components, flags);
  return { type: 'blood_pressure', components, deviceTime: tail.timestamp, userId: tail.userId, flags: tail.flags };
}

export interface BloodPressureFeature {
  bodyMovementDetection: boolean;
  cuffFitDetection: boolean;
  irregularPulseDetection: boolean;
  pulseRateRangeDetection: boolean;
  measurementPositionDetection: boolean;
  multipleBonds: boolean;
}

const FEATURE_BITS: readonly (keyof BloodPressureFeature)[] = [
  'bodyMovementDetection',
  'cuffFitDetection',
  'irregularPulseDetection',
  'pulseRateRangeDetection',
  'measurementPositionDetection',
  'multipleBonds',
];

/** Blood Pressure Feature (0x2A49). */
export function decodeBloodPressureFeature(bytes: Uint8Array): BloodPressureFeature {
  const r = new ByteReader(bytes, 'blood pressure feature');
  const bits = r.u16('feature bits');
  if (r.remaining > 0) throw new DecodeError(`blood pressure feature: expected 2 bytes, got ${bytes.length}`);
  return Object.fromEntries(FEATURE_BITS.map((name, i) => [name, (bits & (1 << i)) !== 0])) as unknown as BloodPressureFeature;
}

export const FEATURE_BIT_ORDER = FEATURE_BITS;
