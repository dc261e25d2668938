import type { DecodedReading } from '@tm/contracts';
import { decodeHealthObservation, decodeHealthSensorFeatures } from './decoder';
import { SPIROMETER_PROFILE } from './profile';

export * from './profile';
export * from './decoder';
export * from './encoder';
export * from './fixtures';

/** Decoders of the characteristics that carry readings (single-segment values), by 16-bit characteristic UUID. */
export const decoders: Record<string, (bytes: Uint8Array) => DecodedReading> = {
  [SPIROMETER_PROFILE.characteristics.liveHealthObservations]: decodeHealthObservation,
  [SPIROMETER_PROFILE.characteristics.storedHealthObservations]: decodeHealthObservation,
};

export const featureDecoders = {
  [SPIROMETER_PROFILE.characteristics.healthSensorFeatures]: decodeHealthSensorFeatures,
};
export * from './driver'; export * from './simulated';
