import type { DecodedReading } from '@tm/contracts';
import { decodeContinuousMeasurement, decodePlxFeatures, decodeSpotCheckMeasurement } from './decoder';
import { PULSE_OXIMETER_PROFILE } from './profile';

export * from './profile';
export * from './decoder';
export * from './encoder';
export * from './fixtures';

/** Decoders of the characteristics that carry readings, by 16-bit characteristic UUID. */
export const decoders: Record<string, (bytes: Uint8Array) => DecodedReading> = {
  [PULSE_OXIMETER_PROFILE.characteristics.spotCheckMeasurement]: decodeSpotCheckMeasurement,
  [PULSE_OXIMETER_PROFILE.characteristics.continuousMeasurement]: decodeContinuousMeasurement,
};

export const featureDecoders = {
  [PULSE_OXIMETER_PROFILE.characteristics.features]: decodePlxFeatures,
};
export * from './driver'; export * from './simulated';
