import { CODE_DEFINITIONS, isObservationCode, type MeasurementType } from '@tm/contracts';

/** Short names a nurse reads on a triage list; the LOINC display names are too long for a sentence. */
const SHORT_NAMES: Record<string, string> = {
  '8480-6': 'Systolic BP',
  '8462-4': 'Diastolic BP',
  '8478-0': 'Mean arterial pressure',
  '8867-4': 'Pulse',
  '59408-5': 'SpO2',
  '29463-7': 'Weight',
  '20150-9': 'FEV1',
  '19868-9': 'FVC',
  '19926-5': 'FEV1/FVC',
  '19935-6': 'PEF',
};

const TYPE_NAMES: Record<MeasurementType, string> = {
  blood_pressure: 'blood pressure',
  pulse_oximetry: 'pulse oximetry',
  body_weight: 'body weight',
  spirometry: 'spirometry',
};

export function nameOf(code: string): string {
  return SHORT_NAMES[code] ?? (isObservationCode(code) ? CODE_DEFINITIONS[code].display : code);
}

export function typeName(type: MeasurementType): string {
  return TYPE_NAMES[type];
}

/** UCUM spelled the way a clinician writes it. */
export function unitText(unit: string): string {
  return unit === 'mm[Hg]' ? 'mmHg' : unit;
}

/** A value with its unit: "86 %", "82.6 kg", "142 mmHg", "88 /min". */
export function withUnit(value: number, unit: string): string {
  return `${formatNumber(value)} ${unitText(unit)}`;
}

/** At most two decimals, no trailing zeros: weights to 0.1 kg, FEV1 to 0.01 L. */
export function formatNumber(value: number): string {
  return String(Math.round(value * 100) / 100);
}

export function durationText(hours: number): string {
  if (hours % 24 === 0) {
    const days = hours / 24;
    return days === 1 ? '1 day' : `${days} days`;
  }
  return `${formatNumber(hours)} h`;
}
