/**
 * The clinical vocabulary on the wire: LOINC codes and UCUM units (ARCHITECTURE.md §5).
 * Ranges are physiological plausibility limits, not alert thresholds: a value outside them is
 * a device or decoding fault and is rejected rather than stored.
 */
export const MEASUREMENT_TYPES = ['blood_pressure', 'pulse_oximetry', 'body_weight', 'spirometry'] as const;
export type MeasurementType = (typeof MEASUREMENT_TYPES)[number];

export const LOINC = {
  systolic: '8480-6',
  diastolic: '8462-4',
  meanArterial: '8478-0',
  pulse: '8867-4',
  spo2: '59408-5',
  bodyWeight: '29463-7',
  fev1: '20150-9',
  fvc: '19868-9',
  fev1FvcRatio: '19926-5',
  pef: '19935-6',
} as const;
export type ObservationCode = (typeof LOINC)[keyof typeof LOINC];

export interface CodeDefinition {
  code: ObservationCode;
  unit: string;
  display: string;
  min: number;
  max: number;
}

export const CODE_DEFINITIONS: Record<ObservationCode, CodeDefinition> = {
  '8480-6': { code: '8480-6', unit: 'mm[Hg]', display: 'Systolic blood pressure', min: 40, max: 300 },
  '8462-4': { code: '8462-4', unit: 'mm[Hg]', display: 'Diastolic blood pressure', min: 20, max: 200 },
  '8478-0': { code: '8478-0', unit: 'mm[Hg]', display: 'Mean arterial pressure', min: 20, max: 250 },
  '8867-4': { code: '8867-4', unit: '/min', display: 'Heart rate', min: 20, max: 300 },
  '59408-5': { code: '59408-5', unit: '%', display: 'Oxygen saturation (SpO2)', min: 0, max: 100 },
  '29463-7': { code: '29463-7', unit: 'kg', display: 'Body weight', min: 10, max: 400 },
  '20150-9': { code: '20150-9', unit: 'L', display: 'FEV1', min: 0.05, max: 10 },
  '19868-9': { code: '19868-9', unit: 'L', display: 'FVC', min: 0.05, max: 12 },
  '19926-5': { code: '19926-5', unit: '%', display: 'FEV1/FVC', min: 1, max: 100 },
  '19935-6': { code: '19935-6', unit: 'L/min', display: 'Peak expiratory flow', min: 10, max: 1000 },
};

export const OBSERVATION_CODES = Object.keys(CODE_DEFINITIONS) as ObservationCode[];

/** Which components a measurement of each type may carry, and which it must carry. */
export const TYPE_COMPONENTS: Record<MeasurementType, { required: ObservationCode[]; allowed: ObservationCode[]; atLeastOne?: ObservationCode[] }> = {
  blood_pressure: { required: ['8480-6', '8462-4'], allowed: ['8480-6', '8462-4', '8478-0', '8867-4'] },
  pulse_oximetry: { required: ['59408-5'], allowed: ['59408-5', '8867-4'] },
  body_weight: { required: ['29463-7'], allowed: ['29463-7'] },
  spirometry: { required: [], allowed: ['20150-9', '19868-9', '19926-5', '19935-6'], atLeastOne: ['20150-9', '19868-9', '19935-6'] },
};

export function isObservationCode(code: string): code is ObservationCode {
  return Object.hasOwn(CODE_DEFINITIONS, code);
}
