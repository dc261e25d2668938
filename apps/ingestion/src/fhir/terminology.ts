/**
 * The vocabulary of the FHIR export: code systems, profiles and the IEEE 11073-10101 (MDC) code
 * beside each LOINC code of the wire (ARCHITECTURE §5). Every MDC code here was checked against
 * the HL7 Personal Health Device IG (STU 1.1, R4) or, where the IG has no example, against two
 * independent 11073 nomenclature tables; README.md in this folder says which source confirmed
 * which code. Codes are the 32-bit form the IG requires: partition × 2^16 + term code.
 */
import { LOINC, LOINC_DISPLAY, type MeasurementType, type ObservationCode } from '@tm/contracts';

export const SYSTEM = {
  loinc: 'http://loinc.org',
  mdc: 'urn:iso:std:iso:11073:10101',
  ucum: 'http://unitsofmeasure.org',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  phdObservationCategory: 'http://hl7.org/fhir/uv/phd/CodeSystem/PhdObservationCategories',
  /** the measurement-status code system the PHD IG STU 1.1 binds Observation.interpretation to */
  measurementStatus: 'http://hl7.org/fhir/uv/pocd/CodeSystem/measurement-status',
  dataAbsentReason: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  /** the PHD IG's codes for single bits of an 11073 BITs value: `<MDC code>.<bit>` */
  asn1Bits: 'http://hl7.org/fhir/uv/phd/CodeSystem/ASN1ToHL7',
  v2YesNo: 'http://terminology.hl7.org/CodeSystem/v2-0136',
  /**
   * The platform's own identifiers. A region that exports to a national service replaces these
   * with its OIDs (urn:oid:...); the values stay the same.
   */
  measurementId: 'urn:telemonitoring:measurement',
  observationId: 'urn:telemonitoring:observation',
  deviceId: 'urn:telemonitoring:device',
} as const;

export const PROFILE = {
  vitalSigns: 'http://hl7.org/fhir/StructureDefinition/vitalsigns',
  bloodPressure: 'http://hl7.org/fhir/StructureDefinition/bp',
  heartRate: 'http://hl7.org/fhir/StructureDefinition/heartrate',
  oxygenSaturation: 'http://hl7.org/fhir/StructureDefinition/oxygensat',
  bodyWeight: 'http://hl7.org/fhir/StructureDefinition/bodyweight',
  phdNumeric: 'http://hl7.org/fhir/uv/phd/StructureDefinition/PhdNumericObservation',
  phdCompoundNumeric: 'http://hl7.org/fhir/uv/phd/StructureDefinition/PhdCompoundNumericObservation',
  phdBitsEnumeration: 'http://hl7.org/fhir/uv/phd/StructureDefinition/PhdBitsEnumerationObservation',
} as const;

export interface MdcCode {
  code: string;
  /** the 11073 reference identifier, shown as the coding's display as the PHD IG recommends */
  refId: string;
}

const mdc = (code: number, refId: string): MdcCode => ({ code: String(code), refId });

export const MDC = {
  bloodPressure: mdc(150020, 'MDC_PRESS_BLD_NONINV'),
  systolic: mdc(150021, 'MDC_PRESS_BLD_NONINV_SYS'),
  diastolic: mdc(150022, 'MDC_PRESS_BLD_NONINV_DIA'),
  mean: mdc(150023, 'MDC_PRESS_BLD_NONINV_MEAN'),
  /** pulse rate from a blood pressure cuff */
  pulseRateNonInvasive: mdc(149546, 'MDC_PULS_RATE_NON_INV'),
  /** pulse rate from a pulse oximeter */
  pulseRateOximeter: mdc(149530, 'MDC_PULS_OXIM_PULS_RATE'),
  spo2: mdc(150456, 'MDC_PULS_OXIM_SAT_O2'),
  bodyWeight: mdc(188736, 'MDC_MASS_BODY_ACTUAL'),
  fev1: mdc(152586, 'MDC_VOL_AWAY_EXP_FORCED_1S'),
  fvc: mdc(188928, 'MDC_VOL_AWAY_EXP_FORCED_CAPACITY'),
  fev1FvcRatio: mdc(188948, 'MDC_RATIO_AWAY_EXP_FORCED_1S_FVC'),
  pef: mdc(152584, 'MDC_FLOW_AWAY_EXP_FORCED_PEAK'),
  bloodPressureStatus: mdc(8410608, 'MDC_BLOOD_PRESSURE_MEASUREMENT_STATUS'),
  oximeterDeviceStatus: mdc(150604, 'MDC_PULS_OXIM_DEV_STATUS'),
  /** Device.type of every personal health device (a "simple MDS") */
  simpleMds: mdc(65573, 'MDC_MOC_VMS_MDS_SIMP'),
  specBloodPressure: mdc(528391, 'MDC_DEV_SPEC_PROFILE_BP'),
  specPulseOximeter: mdc(528388, 'MDC_DEV_SPEC_PROFILE_PULS_OXIM'),
  specScale: mdc(528399, 'MDC_DEV_SPEC_PROFILE_SCALE'),
  /** the 11073-10421 peak-flow specialization, the nearest one for a GHS spirometer (PEF, FEV1) */
  specPeakFlow: mdc(528405, 'MDC_DEV_SPEC_PROFILE_PEAK_FLOW'),
} as const satisfies Record<string, MdcCode>;

export interface LoincCode {
  code: string;
  display: string;
}

/** The LOINC code of the FHIR blood pressure panel; its members are the wire's pressure codes. */
export const BP_PANEL: LoincCode = { code: '85354-9', display: 'Blood pressure panel with all children optional' };
/** What FHIR R4 vital signs require for SpO2 besides 59408-5 ("by pulse oximetry"). */
export const OXYGEN_SATURATION: LoincCode = { code: '2708-6', display: 'Oxygen saturation in Arterial blood' };

/** The wire codes that become components of one blood pressure panel rather than Observations. */
export const PANEL_COMPONENT_CODES: readonly ObservationCode[] = [LOINC.systolic, LOINC.diastolic, LOINC.meanArterial];

/** How a wire (LOINC) code is coded in FHIR: its MDC twin (which depends on the device for a pulse) and the UCUM unit's text. */
export interface ComponentTerm {
  mdc: MdcCode;
  /** LOINC's display, given only where it was checked; code.text always carries a readable name */
  loincDisplay?: string;
  /** Quantity.unit: the human-readable unit (Quantity.code carries the UCUM code) */
  unitText: string;
}

const MDC_AND_UNIT: Record<Exclude<ObservationCode, '8867-4'>, { mdc: MdcCode; unitText: string }> = {
  '8480-6': { mdc: MDC.systolic, unitText: 'mmHg' },
  '8462-4': { mdc: MDC.diastolic, unitText: 'mmHg' },
  '8478-0': { mdc: MDC.mean, unitText: 'mmHg' },
  '59408-5': { mdc: MDC.spo2, unitText: '%' },
  '29463-7': { mdc: MDC.bodyWeight, unitText: 'kg' },
  '20150-9': { mdc: MDC.fev1, unitText: 'L' },
  '19868-9': { mdc: MDC.fvc, unitText: 'L' },
  '19926-5': { mdc: MDC.fev1FvcRatio, unitText: '%' },
  '19935-6': { mdc: MDC.pef, unitText: 'L/min' },
};

export function termOf(code: ObservationCode, type: MeasurementType): ComponentTerm {
  const loincDisplay = LOINC_DISPLAY[code];
  // a pulse has two MDC twins: from a blood pressure cuff, or from a pulse oximeter
  const term = code === LOINC.pulse ? { mdc: type === 'blood_pressure' ? MDC.pulseRateNonInvasive : MDC.pulseRateOximeter, unitText: 'beats/minute' } : MDC_AND_UNIT[code];
  return loincDisplay === undefined ? term : { ...term, loincDisplay };
}

/** The R4 vital-signs profile each wire code's Observation conforms to; absent: not a vital sign. */
export const VITAL_SIGN_PROFILE: Partial<Record<ObservationCode, string>> = {
  '8867-4': PROFILE.heartRate,
  '59408-5': PROFILE.oxygenSaturation,
  '29463-7': PROFILE.bodyWeight,
};

export const DEVICE_SPECIALIZATION: Record<MeasurementType, MdcCode> = {
  blood_pressure: MDC.specBloodPressure,
  pulse_oximetry: MDC.specPulseOximeter,
  body_weight: MDC.specScale,
  spirometry: MDC.specPeakFlow,
};

// ---- care plans and questionnaires ------------------------------------------------------------

/**
 * The base of the canonical URLs of what the platform defines itself: its Questionnaires and its
 * extensions. FHIR R4: a canonical URL "SHALL remain the same when the resource is stored on
 * different servers", and an extension's url is the canonical URL of its definition, so it is a
 * constant and never the address a caller happened to use (that is what Bundle links carry). It
 * sits in the reserved `.example` domain because no one has published these yet: a region that
 * publishes them replaces the base with its own, and the paths stay.
 */
export const CANONICAL_BASE = 'https://telemonitoring.example/fhir';

/** `<base>/Questionnaire/<id>`, with `|<version>` when a version is named (a canonical reference). */
export const questionnaireCanonical = (id: string, version?: string): string => `${CANONICAL_BASE}/Questionnaire/${id}${version === undefined ? '' : `|${version}`}`;

export const EXTENSION = {
  /** the platform's colour of an answer, of an answer option, or of a whole response (valueCoding, SYSTEM.triage) */
  triage: `${CANONICAL_BASE}/StructureDefinition/triage`,
  /** the sum of a response's item scores (valueDecimal) */
  totalScore: `${CANONICAL_BASE}/StructureDefinition/total-score`,
  /** a range of a total or of an integer answer with its name and colour: `range` (valueRange), `label` (valueString), `triage` (valueCoding) */
  scoreBand: `${CANONICAL_BASE}/StructureDefinition/score-band`,
  /** an answer pattern that made a response at least yellow or red (valueCoding: the definition's combination id, its Danish summary) */
  triageCombination: `${CANONICAL_BASE}/StructureDefinition/triage-combination`,
  /** the colour of each answer of a boolean item, which R4 lets carry no answerOption: `answer` (valueBoolean), `triage` (valueCoding) */
  answerTriage: `${CANONICAL_BASE}/StructureDefinition/answer-triage`,
  /** R4 core: an option's score (valueDecimal), on the Coding */
  ordinalValue: 'http://hl7.org/fhir/StructureDefinition/ordinalValue',
  /** R4 core: a string in another language: `lang` (valueCode), `content` (valueString) */
  translation: 'http://hl7.org/fhir/StructureDefinition/translation',
  /** R4 core: the display of a canonical reference (valueString) */
  display: 'http://hl7.org/fhir/StructureDefinition/display',
  /** R4 core: the range of an integer item (valueInteger) */
  minValue: 'http://hl7.org/fhir/StructureDefinition/minValue',
  maxValue: 'http://hl7.org/fhir/StructureDefinition/maxValue',
} as const;

/** The code systems and identifier systems of care plans and questionnaires (namespaces beside SYSTEM's, replaced the same way). */
export const CARE_SYSTEM = {
  /** green | yellow | red */
  triage: 'urn:telemonitoring:triage',
  questionnaireResponseId: 'urn:telemonitoring:questionnaire-response',
  carePlanId: 'urn:telemonitoring:care-plan',
  userId: 'urn:telemonitoring:user',
} as const;

/**
 * The code system of one question's answers: `urn:telemonitoring:questionnaire:<id>:<linkId>`, its
 * codes the option values. One per question, because a value means something only with its
 * question ("usual" is "as usual" for cough and "clear or white" for the colour of the phlegm).
 */
export const answerSystem = (questionnaireId: string, linkId: string): string => `urn:telemonitoring:questionnaire:${questionnaireId}:${linkId}`;
/** The code system of a questionnaire's answer combinations (TriageCombination ids). */
export const combinationSystem = (questionnaireId: string): string => `urn:telemonitoring:questionnaire:${questionnaireId}:combination`;

/** The triage colours as codes, displayed in Danish (the resources' language). */
export const TRIAGE_DISPLAY = { green: 'Grøn', yellow: 'Gul', red: 'Rød' } as const;

/**
 * What a measurement activity of a care plan asks for, as CarePlan.activity.detail.code: the
 * reading's code as the Observations carry it (MDC beside LOINC) and a Danish text. Spirometry has
 * no panel code checked here (README: codes and what verified them), so it is text alone; its
 * Observations carry the LOINC code of each value.
 */
const loincCode = (code: ObservationCode): LoincCode => ({ code, display: LOINC_DISPLAY[code] ?? code });

export const MEASUREMENT_ACTIVITY: Record<MeasurementType, { mdc?: MdcCode; loinc?: LoincCode; text: string }> = {
  blood_pressure: { mdc: MDC.bloodPressure, loinc: BP_PANEL, text: 'Blodtryk' },
  pulse_oximetry: { mdc: MDC.spo2, loinc: loincCode(LOINC.spo2), text: 'Iltmætning og puls' },
  body_weight: { mdc: MDC.bodyWeight, loinc: loincCode(LOINC.bodyWeight), text: 'Vægt' },
  spirometry: { text: 'Lungefunktion (spirometri: FEV1, FVC, PEF)' },
};
