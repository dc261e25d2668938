import { CODE_NAMES, MEASUREMENT_TYPE_NAMES, isObservationCode, type MeasurementType } from '@tm/contracts';
import type { Language } from './language';

/** The clinical name of a LOINC code (from @tm/contracts); an unknown code is shown as itself. */
export function measureName(language: Language, code: string): string {
  return isObservationCode(code) ? CODE_NAMES[code][language] : code;
}

/** A measurement type as in a sentence: "blodtryk", "pulse oximetry". */
export function measurementTypeName(language: Language, type: MeasurementType): string {
  return MEASUREMENT_TYPE_NAMES[type][language];
}
