import type { Component, DecodedReading, Flags } from '@tm/contracts';
import { LOINC, POOR_SIGNAL_FLAGS } from '@tm/contracts';
import { ByteReader, type MderValue } from '@tm/ieee11073';

export const SPOT_CHECK_FLAG = { timestamp: 0x01, measurementStatus: 0x02, deviceAndSensorStatus: 0x04, pulseAmplitudeIndex: 0x08, deviceClockNotSet: 0x10 } as const;
export const CONTINUOUS_FLAG = { fast: 0x01, slow: 0x02, measurementStatus: 0x04, deviceAndSensorStatus: 0x08, pulseAmplitudeIndex: 0x10 } as const;

/** PLXS Measurement Status (uint16), bit -> name. Bits 0–4 are reserved. */
export const MEASUREMENT_STATUS_BITS: ReadonlyArray<readonly [number, string]> = [
  [5, 'measurementOngoing'],
  [6, 'earlyEstimatedData'],
  [7, 'validatedData'],
  [8, 'fullyQualifiedData'],
  [9, 'dataFromMeasurementStorage'],
  [10, 'dataForDemonstration'],
  [11, 'dataForTesting'],
  [12, 'calibrationOngoing'],
  [13, 'measurementUnavailable'],
  [14, 'questionableMeasurement'],
  [15, 'invalidMeasurement'],
];

/** PLXS Device and Sensor Status (uint24), bit -> name. Bits 16–23 are reserved. */
export const DEVICE_AND_SENSOR_STATUS_BITS: ReadonlyArray<readonly [number, string]> = [
  [0, 'extendedDisplayUpdateOngoing'],
  [1, 'equipmentMalfunction'],
  [2, 'signalProcessingIrregularity'],
  [3, 'inadequateSignal'],
  [4, 'poorSignal'],
  [5, 'lowPerfusion'],
  [6, 'erraticSignal'],
  [7, 'nonpulsatileSignal'],
  [8, 'questionablePulse'],
  [9, 'signalAnalysisOngoing'],
  [10, 'sensorInterference'],
  [11, 'sensorUnconnectedToUser'],
  [12, 'unknownSensorConnected'],
  [13, 'sensorDisplaced'],
  [14, 'sensorMalfunctioning'],
  [15, 'sensorDisconnected'],
];

/** Any of these makes the reading one a nurse should not act on (the signal is bad or unfinished). */
const POOR_SIGNAL: ReadonlySet<string> = new Set(POOR_SIGNAL_FLAGS);

/** Only the bits that are set become flags (an absent status flag means "not set"). */
function setBits(flags: Flags, bits: number, table: ReadonlyArray<readonly [number, string]>): void {
  for (const [bit, name] of table) if ((bits >>> bit) & 1) flags[name] = true;
}

/**
 * signalQuality: "poor" when a status field reports a bad or unfinished signal, "good" when the
 * device sent status and none of it is bad, "unknown" when it sent no status at all.
 */
function signalQuality(flags: Flags, statusSent: boolean): 'good' | 'poor' | 'unknown' {
  if (!statusSent) return 'unknown';
  return Object.keys(flags).some((k) => POOR_SIGNAL.has(k) && flags[k] === true) ? 'poor' : 'good';
}

function addComponent(components: Component[], flags: Flags, name: string, value: MderValue, code: string, unit: string): void {
  if (value.kind === 'number') components.push({ code, value: value.value, unit });
  else flags[`${name}Unavailable`] = value.kind;
}

function numberFlag(flags: Flags, name: string, value: MderValue): void {
  if (value.kind === 'number') flags[name] = value.value;
  else flags[`${name}Unavailable`] = value.kind;
}

function readStatuses(r: ByteReader, flags: Flags, hasMeasurementStatus: boolean, hasDeviceStatus: boolean, hasPai: boolean): void {
  if (hasMeasurementStatus) setBits(flags, r.u16('measurement status'), MEASUREMENT_STATUS_BITS);
  if (hasDeviceStatus) setBits(flags, r.u24('device and sensor status'), DEVICE_AND_SENSOR_STATUS_BITS);
  if (hasPai) numberFlag(flags, 'pulseAmplitudeIndex', r.sfloat('pulse amplitude index'));
  flags.signalQuality = signalQuality(flags, hasMeasurementStatus || hasDeviceStatus);
}

/**
 * PLX Spot-check Measurement (0x2A5E). Flags bit 4 "device clock is not set" becomes
 * `deviceClockNotSet: true`: the time stamp, however plausible it looks, comes from a clock
 * nobody set, and the gateway does not take it as the time of the reading.
 */
export function decodeSpotCheckMeasurement(bytes: Uint8Array): DecodedReading {
  const r = new ByteReader(bytes, 'PLX spot-check measurement');
  const f = r.u8('flags');
  const components: Component[] = [];
  const flags: Flags = {};
  addComponent(components, flags, 'spo2', r.sfloat('SpO2'), LOINC.spo2, '%');
  addComponent(components, flags, 'pulseRate', r.sfloat('pulse rate'), LOINC.pulse, '/min');
  const deviceTime = f & SPOT_CHECK_FLAG.timestamp ? r.dateTime('time stamp') : null;
  readStatuses(r, flags, (f & SPOT_CHECK_FLAG.measurementStatus) !== 0, (f & SPOT_CHECK_FLAG.deviceAndSensorStatus) !== 0, (f & SPOT_CHECK_FLAG.pulseAmplitudeIndex) !== 0);
  if (f & SPOT_CHECK_FLAG.deviceClockNotSet) flags.deviceClockNotSet = true;
  return { type: 'pulse_oximetry', components, deviceTime, userId: null, flags };
}

/** PLX Continuous Measurement (0x2A5F): the "normal" averages become components, fast/slow become flags. */
export function decodeContinuousMeasurement(bytes: Uint8Array): DecodedReading {
  const r = new ByteReader(bytes, 'PLX continuous measurement');
  const f = r.u8('flags');
  const components: Component[] = [];
  const flags: Flags = { continuous: true };
  addComponent(components, flags, 'spo2', r.sfloat('SpO2 (normal)'), LOINC.spo2, '%');
  addComponent(components, flags, 'pulseRate', r.sfloat('pulse rate (normal)'), LOINC.pulse, '/min');
  if (f & CONTINUOUS_FLAG.fast) {
    numberFlag(flags, 'spo2Fast', r.sfloat('SpO2 (fast)'));
    numberFlag(flags, 'pulseRateFast', r.sfloat('pulse rate (fast)'));
  }
  if (f & CONTINUOUS_FLAG.slow) {
    numberFlag(flags, 'spo2Slow', r.sfloat('SpO2 (slow)'));
    numberFlag(flags, 'pulseRateSlow', r.sfloat('pulse rate (slow)'));
  }
  readStatuses(r, flags, (f & CONTINUOUS_FLAG.measurementStatus) !== 0, (f & CONTINUOUS_FLAG.deviceAndSensorStatus) !== 0, (f & CONTINUOUS_FLAG.pulseAmplitudeIndex) !== 0);
  return { type: 'pulse_oximetry', components, deviceTime: null, userId: null, flags };
}

export interface PlxFeatures {
  measurementStatusSupport: boolean;
  deviceAndSensorStatusSupport: boolean;
  spotCheckMeasurementStorage: boolean;
  spotCheckTimestamp: boolean;
  spo2prFast: boolean;
  spo2prSlow: boolean;
  pulseAmplitudeIndex: boolean;
  multipleBonds: boolean;
  /** Raw support masks when the device sends them (which status bits it can set). */
  supportedMeasurementStatus: number | null;
  supportedDeviceAndSensorStatus: number | null;
}

export const FEATURE_BIT_ORDER = [
  'measurementStatusSupport',
  'deviceAndSensorStatusSupport',
  'spotCheckMeasurementStorage',
  'spotCheckTimestamp',
  'spo2prFast',
  'spo2prSlow',
  'pulseAmplitudeIndex',
  'multipleBonds',
] as const;

/** PLX Features (0x2A60). */
export function decodePlxFeatures(bytes: Uint8Array): PlxFeatures {
  const r = new ByteReader(bytes, 'PLX features');
  const bits = r.u16('supported features');
  const named = Object.fromEntries(FEATURE_BIT_ORDER.map((name, i) => [name, (bits & (1 << i)) !== 0])) as Record<(typeof FEATURE_BIT_ORDER)[number], boolean>;
  const supportedMeasurementStatus = named.measurementStatusSupport ? r.u16('measurement status support') : null;
  const supportedDeviceAndSensorStatus = named.deviceAndSensorStatusSupport ? r.u24('device and sensor status support') : null;
  return { ...named, supportedMeasurementStatus, supportedDeviceAndSensorStatus };
}
