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

/**
 * LOINC's own display of a code, where it was checked against LOINC (apps/ingestion/src/fhir/README.md
 * says which source confirmed which); the FHIR export puts it on the LOINC coding. The spirometry
 * codes have none checked, so none is given.
 */
export const LOINC_DISPLAY: Partial<Record<ObservationCode, string>> = {
  '8480-6': 'Systolic blood pressure',
  '8462-4': 'Diastolic blood pressure',
  '8478-0': 'Mean blood pressure',
  '8867-4': 'Heart rate',
  '59408-5': 'Oxygen saturation in Arterial blood by Pulse oximetry',
  '29463-7': 'Body weight',
};

export const OBSERVATION_CODES = Object.keys(CODE_DEFINITIONS) as ObservationCode[];

/**
 * Which components a measurement of each type may carry, and which it must carry. A blood pressure
 * needs its systolic only: a cuff that reports systolic 75 without a diastolic is a hypotension to
 * evaluate, not a reading to reject (issue 17, item 8).
 */
export const TYPE_COMPONENTS: Record<MeasurementType, { required: ObservationCode[]; allowed: ObservationCode[]; atLeastOne?: ObservationCode[] }> = {
  blood_pressure: { required: ['8480-6'], allowed: ['8480-6', '8462-4', '8478-0', '8867-4'] },
  pulse_oximetry: { required: ['59408-5'], allowed: ['59408-5', '8867-4'] },
  body_weight: { required: ['29463-7'], allowed: ['29463-7'] },
  spirometry: { required: [], allowed: ['20150-9', '19868-9', '19926-5', '19935-6'], atLeastOne: ['20150-9', '19868-9', '19935-6'] },
};

export function isObservationCode(code: string): code is ObservationCode {
  return Object.hasOwn(CODE_DEFINITIONS, code);
}

/** A name in each language the platform speaks. Danish first: the nurses and patients are Danish. */
export interface LocalizedName {
  da: string;
  en: string;
}

/**
 * The clinical names of the codes, as a nurse reads them in a table or a rule's description
 * ("Iltmætning (SpO2)"). The English `display` of CODE_DEFINITIONS is the export's (FHIR code.text)
 * and differs on purpose ("Heart rate", "Peak expiratory flow").
 */
export const CODE_NAMES: Record<ObservationCode, LocalizedName> = {
  '8480-6': { da: 'Systolisk blodtryk', en: 'Systolic blood pressure' },
  '8462-4': { da: 'Diastolisk blodtryk', en: 'Diastolic blood pressure' },
  '8478-0': { da: 'Middelblodtryk', en: 'Mean arterial pressure' },
  '8867-4': { da: 'Puls', en: 'Pulse' },
  '59408-5': { da: 'Iltmætning (SpO2)', en: 'Oxygen saturation (SpO2)' },
  '29463-7': { da: 'Vægt', en: 'Weight' },
  '20150-9': { da: 'FEV1', en: 'FEV1' },
  '19868-9': { da: 'FVC', en: 'FVC' },
  '19926-5': { da: 'FEV1/FVC', en: 'FEV1/FVC' },
  '19935-6': { da: 'PEF', en: 'PEF' },
};

/**
 * Short names of the codes for a sentence a nurse reads on a triage list ("SpO2 86 %"): the
 * clinical name, shortened where it is too long for a sentence.
 */
export const CODE_SHORT_NAMES: Record<ObservationCode, LocalizedName> = {
  ...CODE_NAMES,
  '8480-6': { da: 'Systolisk blodtryk', en: 'Systolic BP' },
  '8462-4': { da: 'Diastolisk blodtryk', en: 'Diastolic BP' },
  '59408-5': { da: 'SpO2', en: 'SpO2' },
};

/** The measurement types by name, lower case as in a sentence ("blodtryk", "pulse oximetry"). */
export const MEASUREMENT_TYPE_NAMES: Record<MeasurementType, LocalizedName> = {
  blood_pressure: { da: 'blodtryk', en: 'blood pressure' },
  pulse_oximetry: { da: 'iltmætning', en: 'pulse oximetry' },
  body_weight: { da: 'vægt', en: 'body weight' },
  spirometry: { da: 'spirometri', en: 'spirometry' },
};

/** A reading of the type, as in "no ... received" ("ingen blodtryksmåling modtaget"). */
export const MEASUREMENT_READING_NAMES: Record<MeasurementType, LocalizedName> = {
  blood_pressure: { da: 'blodtryksmåling', en: 'blood pressure' },
  pulse_oximetry: { da: 'iltmætningsmåling', en: 'pulse oximetry' },
  body_weight: { da: 'vægtmåling', en: 'body weight' },
  spirometry: { da: 'lungefunktionsmåling', en: 'spirometry' },
};
