import type { Component, DecodedReading, Flags } from '@tm/contracts';
import { LOINC } from '@tm/contracts';
import { ByteReader, DecodeError } from '@tm/ieee11073';

export const WEIGHT_FLAG = { imperial: 0x01, timestamp: 0x02, userId: 0x04, bmiAndHeight: 0x08 } as const;
/** WSS fixes the field resolutions, whatever the scale's display shows. */
export const KG_PER_SI_UNIT = 0.005;
export const LB_PER_IMPERIAL_UNIT = 0.01;
export const KG_PER_LB = 0.45359237;
export const M_PER_SI_HEIGHT_UNIT = 0.001;
export const M_PER_IMPERIAL_HEIGHT_UNIT = 0.00254;
/** Weight 0xFFFF: "measurement unsuccessful" (the scale could not settle). */
export const WEIGHT_UNSUCCESSFUL = 0xffff;
export const UNKNOWN_USER = 0xff;

const round = (v: number, decimals: number) => Math.round(v * 10 ** decimals) / 10 ** decimals;

/**
 * Weight Measurement (0x2A9D). The User ID field (flags bit 2) is the scale's user index (UDS
 * on scales that support it); 0xFF "unknown user" becomes `userId: null`. Which patient a user
 * index is, is the gateway's binding, not the decoder's.
 */
export function decodeWeightMeasurement(bytes: Uint8Array): DecodedReading {
  const r = new ByteReader(bytes, 'weight measurement');
  const f = r.u8('flags');
  const imperial = (f & WEIGHT_FLAG.imperial) !== 0;
  const components: Component[] = [];
  const flags: Flags = { weightUnit: imperial ? 'lb' : 'kg' };
  const raw = r.u16('weight');
  if (raw === WEIGHT_UNSUCCESSFUL) flags.measurementUnsuccessful = true;
  else components.push({ code: LOINC.bodyWeight, value: round(imperial ? raw * LB_PER_IMPERIAL_UNIT * KG_PER_LB : raw * KG_PER_SI_UNIT, 3), unit: 'kg' });
  const deviceTime = f & WEIGHT_FLAG.timestamp ? r.dateTime('time stamp') : null;
  // A time stamp sent with year, month or day 0 is a clock nobody set: the record's time is unknown.
  if (f & WEIGHT_FLAG.timestamp && deviceTime === null) flags.deviceClockNotSet = true;
  let userId: number | null = null;
  if (f & WEIGHT_FLAG.userId) {
    const id = r.u8('user id');
    userId = id === UNKNOWN_USER ? null : id;
  }
  if (f & WEIGHT_FLAG.bmiAndHeight) {
    flags.bmi = round(r.u16('BMI') * 0.1, 1);
    const height = r.u16('height');
    flags.heightM = round(height * (imperial ? M_PER_IMPERIAL_HEIGHT_UNIT : M_PER_SI_HEIGHT_UNIT), 3);
  }
  return { type: 'body_weight', components, deviceTime, userId, flags };
}

/** Resolution the scale actually measures to (WSS 3.2 table), null when "not specified". */
export interface WeightScaleFeature {
  timestamp: boolean;
  multipleUsers: boolean;
  bmi: boolean;
  weightResolution: { kg: number; lb: number } | null;
  heightResolution: { m: number; in: number } | null;
}

export const WEIGHT_RESOLUTIONS: readonly ({ kg: number; lb: number } | null)[] = [
  null,
  { kg: 0.5, lb: 1 },
  { kg: 0.2, lb: 0.5 },
  { kg: 0.1, lb: 0.2 },
  { kg: 0.05, lb: 0.1 },
  { kg: 0.02, lb: 0.05 },
  { kg: 0.01, lb: 0.02 },
  { kg: 0.005, lb: 0.01 },
];
export const HEIGHT_RESOLUTIONS: readonly ({ m: number; in: number } | null)[] = [null, { m: 0.01, in: 1 }, { m: 0.005, in: 0.5 }, { m: 0.001, in: 0.1 }];

/** Weight Scale Feature (0x2A9E). */
export function decodeWeightScaleFeature(bytes: Uint8Array): WeightScaleFeature {
  const r = new ByteReader(bytes, 'weight scale feature');
  const bits = r.u32('feature bits');
  const weightIndex = (bits >>> 3) & 0x0f;
  const heightIndex = (bits >>> 7) & 0x07;
  const weightResolution = WEIGHT_RESOLUTIONS[weightIndex];
  const heightResolution = HEIGHT_RESOLUTIONS[heightIndex];
  if (weightResolution === undefined) throw new DecodeError(`weight scale feature: weight resolution ${weightIndex} is reserved`);
  if (heightResolution === undefined) throw new DecodeError(`weight scale feature: height resolution ${heightIndex} is reserved`);
  return { timestamp: (bits & 1) !== 0, multipleUsers: (bits & 2) !== 0, bmi: (bits & 4) !== 0, weightResolution, heightResolution };
}
