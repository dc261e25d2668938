import { ByteWriter, EncodeError, type LocalDateTime, type MderSpecial } from '@tm/ieee11073';
import { CONTINUOUS_FLAG, DEVICE_AND_SENSOR_STATUS_BITS, FEATURE_BIT_ORDER, MEASUREMENT_STATUS_BITS, SPOT_CHECK_FLAG, type PlxFeatures } from './decoder';

type Value = number | { kind: MderSpecial };
/** Names from MEASUREMENT_STATUS_BITS / DEVICE_AND_SENSOR_STATUS_BITS that are set. */
export type StatusNames = readonly string[];

function bitsOf(names: StatusNames, table: ReadonlyArray<readonly [number, string]>): number {
  return names.reduce((acc, name) => {
    const entry = table.find(([, n]) => n === name);
    if (!entry) throw new EncodeError(`unknown status "${name}"`);
    return acc | (1 << entry[0]);
  }, 0);
}

export interface SpotCheckRecord {
  spo2: Value;
  pulseRate: Value;
  timestamp?: LocalDateTime | null;
  measurementStatus?: StatusNames;
  deviceAndSensorStatus?: StatusNames;
  pulseAmplitudeIndex?: Value;
  deviceClockNotSet?: boolean;
}

/** PLX Spot-check Measurement (0x2A5E) bytes. */
export function encodeSpotCheckMeasurement(r: SpotCheckRecord): Uint8Array {
  const flags =
    (r.timestamp !== undefined ? SPOT_CHECK_FLAG.timestamp : 0) |
    (r.measurementStatus ? SPOT_CHECK_FLAG.measurementStatus : 0) |
    (r.deviceAndSensorStatus ? SPOT_CHECK_FLAG.deviceAndSensorStatus : 0) |
    (r.pulseAmplitudeIndex !== undefined ? SPOT_CHECK_FLAG.pulseAmplitudeIndex : 0) |
    (r.deviceClockNotSet ? SPOT_CHECK_FLAG.deviceClockNotSet : 0);
  const w = new ByteWriter().u8(flags).sfloat(r.spo2).sfloat(r.pulseRate);
  if (r.timestamp !== undefined) w.dateTime(r.timestamp);
  if (r.measurementStatus) w.u16(bitsOf(r.measurementStatus, MEASUREMENT_STATUS_BITS));
  if (r.deviceAndSensorStatus) w.u24(bitsOf(r.deviceAndSensorStatus, DEVICE_AND_SENSOR_STATUS_BITS));
  if (r.pulseAmplitudeIndex !== undefined) w.sfloat(r.pulseAmplitudeIndex);
  return w.toBytes();
}

export interface ContinuousRecord {
  spo2: Value;
  pulseRate: Value;
  fast?: { spo2: Value; pulseRate: Value };
  slow?: { spo2: Value; pulseRate: Value };
  measurementStatus?: StatusNames;
  deviceAndSensorStatus?: StatusNames;
  pulseAmplitudeIndex?: Value;
}

/** PLX Continuous Measurement (0x2A5F) bytes. */
export function encodeContinuousMeasurement(r: ContinuousRecord): Uint8Array {
  const flags =
    (r.fast ? CONTINUOUS_FLAG.fast : 0) |
    (r.slow ? CONTINUOUS_FLAG.slow : 0) |
    (r.measurementStatus ? CONTINUOUS_FLAG.measurementStatus : 0) |
    (r.deviceAndSensorStatus ? CONTINUOUS_FLAG.deviceAndSensorStatus : 0) |
    (r.pulseAmplitudeIndex !== undefined ? CONTINUOUS_FLAG.pulseAmplitudeIndex : 0);
  const w = new ByteWriter().u8(flags).sfloat(r.spo2).sfloat(r.pulseRate);
  if (r.fast) w.sfloat(r.fast.spo2).sfloat(r.fast.pulseRate);
  if (r.slow) w.sfloat(r.slow.spo2).sfloat(r.slow.pulseRate);
  if (r.measurementStatus) w.u16(bitsOf(r.measurementStatus, MEASUREMENT_STATUS_BITS));
  if (r.deviceAndSensorStatus) w.u24(bitsOf(r.deviceAndSensorStatus, DEVICE_AND_SENSOR_STATUS_BITS));
  if (r.pulseAmplitudeIndex !== undefined) w.sfloat(r.pulseAmplitudeIndex);
  return w.toBytes();
}

/** PLX Features (0x2A60) bytes; the support masks are sent when their feature bit is set. */
export function encodePlxFeatures(f: PlxFeatures): Uint8Array {
  const bits = FEATURE_BIT_ORDER.reduce((acc, name, i) => acc | (f[name] ? 1 << i : 0), 0);
  const w = new ByteWriter().u16(bits);
  if (f.measurementStatusSupport) w.u16(f.supportedMeasurementStatus ?? 0);
  if (f.deviceAndSensorStatusSupport) w.u24(f.supportedDeviceAndSensorStatus ?? 0);
  return w.toBytes();
}
