import { ByteWriter, type LocalDateTime, type MderSpecial } from '@tm/ieee11073';
import { BP_FLAG, FEATURE_BIT_ORDER, type BloodPressureFeature, type BloodPressureStatus, type PulseRateRange } from './decoder';

type Value = number | { kind: MderSpecial };

/** What a cuff puts in one 0x2A35 indication; optional fields are sent when present. */
export interface BloodPressureRecord {
  unit: 'mm[Hg]' | 'kPa';
  systolic: Value;
  diastolic: Value;
  meanArterial: Value;
  /** null = the cuff's clock is unknown (year 0); undefined = no time stamp field. */
  timestamp?: LocalDateTime | null;
  pulseRate?: Value;
  /** 0xFF = unknown user. */
  userId?: number;
  status?: BloodPressureStatus;
}

const RANGE_BITS: Record<PulseRateRange, number> = { within: 0, exceedsUpper: 1, belowLower: 2, reserved: 3 };

export function statusToBits(s: BloodPressureStatus): number {
  return (
    (s.bodyMovement ? 0x01 : 0) | (s.cuffTooLoose ? 0x02 : 0) | (s.irregularPulse ? 0x04 : 0) | (RANGE_BITS[s.pulseRateRange] << 3) | (s.improperPosition ? 0x20 : 0)
  );
}

function encodeRecord(r: BloodPressureRecord): Uint8Array {
  const flags =
    (r.unit === 'kPa' ? BP_FLAG.kPa : 0) |
    (r.timestamp !== undefined ? BP_FLAG.timestamp : 0) |
    (r.pulseRate !== undefined ? BP_FLAG.pulseRate : 0) |
    (r.userId !== undefined ? BP_FLAG.userId : 0) |
    (r.status !== undefined ? BP_FLAG.status : 0);
  const w = new ByteWriter().u8(flags).sfloat(r.systolic).sfloat(r.diastolic).sfloat(r.meanArterial);
  if (r.timestamp !== undefined) w.dateTime(r.timestamp);
  if (r.pulseRate !== undefined) w.sfloat(r.pulseRate);
  if (r.userId !== undefined) w.u8(r.userId);
  if (r.status !== undefined) w.u16(statusToBits(r.status));
  return w.toBytes();
}

/** Blood Pressure Measurement (0x2A35) bytes. */
export function encodeBloodPressureMeasurement(record: BloodPressureRecord): Uint8Array {
  return encodeRecord(record);
}

/** Intermediate Cuff Pressure (0x2A36) bytes: diastolic and mean arterial are NaN, as BLP requires. */
export function encodeIntermediateCuffPressure(record: Omit<BloodPressureRecord, 'systolic' | 'diastolic' | 'meanArterial'> & { cuffPressure: Value }): Uint8Array {
  const { cuffPressure, ...rest } = record;
  return encodeRecord({ ...rest, systolic: cuffPressure, diastolic: { kind: 'nan' }, meanArterial: { kind: 'nan' } });
}

/** Blood Pressure Feature (0x2A49) bytes. */
export function encodeBloodPressureFeature(feature: BloodPressureFeature): Uint8Array {
  const bits = FEATURE_BIT_ORDER.reduce((acc, name, i) => acc | (feature[name] ? 1 << i : 0), 0);
  return new ByteWriter().u16(bits).toBytes();
}
