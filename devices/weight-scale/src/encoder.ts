import { ByteWriter, EncodeError, type LocalDateTime } from '@tm/ieee11073';
import {
  HEIGHT_RESOLUTIONS,
  KG_PER_LB,
  KG_PER_SI_UNIT,
  LB_PER_IMPERIAL_UNIT,
  M_PER_IMPERIAL_HEIGHT_UNIT,
  M_PER_SI_HEIGHT_UNIT,
  WEIGHT_FLAG,
  WEIGHT_RESOLUTIONS,
  WEIGHT_UNSUCCESSFUL,
  type WeightScaleFeature,
} from './decoder';

export interface WeightRecord {
  /** Which unit the scale sends in; values are always given in kg and m here. */
  unit: 'kg' | 'lb';
  /** null = "measurement unsuccessful" (0xFFFF). */
  weightKg: number | null;
  timestamp?: LocalDateTime | null;
  /** 0xFF = unknown user. */
  userId?: number;
  bmiAndHeight?: { bmi: number; heightM: number };
}

function toUnits(value: number, perUnit: number, what: string): number {
  const units = Math.round(value / perUnit);
  if (units < 0 || units >= WEIGHT_UNSUCCESSFUL) throw new EncodeError(`${what} ${value} is outside what a weight measurement can carry`);
  return units;
}

/** Weight Measurement (0x2A9D) bytes. */
export function encodeWeightMeasurement(r: WeightRecord): Uint8Array {
  const imperial = r.unit === 'lb';
  const flags =
    (imperial ? WEIGHT_FLAG.imperial : 0) |
    (r.timestamp !== undefined ? WEIGHT_FLAG.timestamp : 0) |
    (r.userId !== undefined ? WEIGHT_FLAG.userId : 0) |
    (r.bmiAndHeight ? WEIGHT_FLAG.bmiAndHeight : 0);
  const weight = r.weightKg === null ? WEIGHT_UNSUCCESSFUL : imperial ? toUnits(r.weightKg / KG_PER_LB, LB_PER_IMPERIAL_UNIT, 'weight') : toUnits(r.weightKg, KG_PER_SI_UNIT, 'weight');
  const w = new ByteWriter().u8(flags).u16(weight);
  if (r.timestamp !== undefined) w.dateTime(r.timestamp);
  if (r.userId !== undefined) w.u8(r.userId);
  if (r.bmiAndHeight) {
    w.u16(toUnits(r.bmiAndHeight.bmi, 0.1, 'BMI'));
    w.u16(toUnits(r.bmiAndHeight.heightM, imperial ? M_PER_IMPERIAL_HEIGHT_UNIT : M_PER_SI_HEIGHT_UNIT, 'height'));
  }
  return w.toBytes();
}

/** Weight Scale Feature (0x2A9E) bytes. */
export function encodeWeightScaleFeature(f: WeightScaleFeature): Uint8Array {
  const weightIndex = WEIGHT_RESOLUTIONS.findIndex((x) => (x === null ? f.weightResolution === null : x.kg === f.weightResolution?.kg));
  const heightIndex = HEIGHT_RESOLUTIONS.findIndex((x) => (x === null ? f.heightResolution === null : x.m === f.heightResolution?.m));
  if (weightIndex < 0 || heightIndex < 0) throw new EncodeError('weight scale feature: resolution is not one of the WSS values');
  const bits = (f.timestamp ? 1 : 0) | (f.multipleUsers ? 2 : 0) | (f.bmi ? 4 : 0) | (weightIndex << 3) | (heightIndex << 7);
  return new ByteWriter().u32(bits).toBytes();
}
