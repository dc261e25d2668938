import type { DecodedReading } from '@tm/contracts';
import { decodeWeightMeasurement, decodeWeightScaleFeature } from './decoder';
import { WEIGHT_SCALE_PROFILE } from './profile';

export * from './profile';
export * from './decoder';
export * from './encoder';
export * from './fixtures';

/** Decoders of the characteristics that carry readings, by 16-bit characteristic UUID. */
export const decoders: Record<string, (bytes: Uint8Array) => DecodedReading> = {
  [WEIGHT_SCALE_PROFILE.characteristics.measurement]: decodeWeightMeasurement,
};

export const featureDecoders = {
  [WEIGHT_SCALE_PROFILE.characteristics.feature]: decodeWeightScaleFeature,
};
export * from './driver'; export * from './simulated';
