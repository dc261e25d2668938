import type { DecodedReading } from '@tm/contracts';
import { decodeBloodPressureFeature, decodeBloodPressureMeasurement, decodeIntermediateCuffPressure } from './decoder';
import { BLOOD_PRESSURE_PROFILE } from './profile';

export * from './profile';
export * from './decoder';
export * from './encoder';
export * from './fixtures';

/** Decoders of the characteristics that carry readings, by 16-bit characteristic UUID. */
export const decoders: Record<string, (bytes: Uint8Array) => DecodedReading> = {
  [BLOOD_PRESSURE_PROFILE.characteristics.measurement]: decodeBloodPressureMeasurement,
  [BLOOD_PRESSURE_PROFILE.characteristics.intermediateCuffPressure]: decodeIntermediateCuffPressure,
};

export const featureDecoders = {
  [BLOOD_PRESSURE_PROFILE.characteristics.feature]: decodeBloodPressureFeature,
};
export * from './driver'; export * from './simulated';
