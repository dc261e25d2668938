/**
 * One stored measurement -> the FHIR R4 Observations the HL7 Personal Health Device IG makes of
 * it, plus the Device that took it. Pure functions: no I/O, no clock.
 *
 * - blood pressure: one compound Observation (LOINC panel 85354-9, MDC 150020) with systolic,
 *   diastolic and mean components; the cuff's pulse rate is an Observation of its own, as the IG
 *   reports every 11073 metric (MDC_PULS_RATE_NON_INV is a separate metric of the cuff);
 * - pulse oximetry: SpO2 (LOINC 2708-6 + 59408-5, MDC 150456) and pulse rate, one each;
 * - body weight: one Observation;
 * - spirometry: one Observation per value (FEV1, FVC, FEV1/FVC, PEF), category `exam`, not vital signs;
 * - the device's status bits (irregular pulse, cuff too loose, sensor displaced ...): one PHD
 *   "BITs" Observation derived from the reading, as the IG's bpm-status example does.
 * The device's measurement-status flags map as the IG's Base Observation profile says:
 * invalid / not available / ongoing -> dataAbsentReason (no value), questionable, calibration,
 * validated, early estimate -> interpretation, test or demonstration data -> meta.security HTEST.
 */
import type { CodeableConcept, Coding, Device, Observation, ObservationComponent, Reference } from 'fhir/r4';
import { CODE_DEFINITIONS, isObservationCode, LOINC, OBSERVATION_CODES, type MeasurementType, type ObservationCode } from '@tm/contracts';
import { BP_PANEL, DEVICE_SPECIALIZATION, MDC, type MdcCode, OXYGEN_SATURATION, PANEL_COMPONENT_CODES, PROFILE, SYSTEM, termOf, VITAL_SIGN_PROFILE } from './terminology';
import { uuidFromName } from './uuid';

export type FlagValue = boolean | number | string;

/** A measurement as the database holds it: the `measurements` row with its `observations` rows. */
export interface StoredMeasurement {
  measurementId: string;
  patientId: string;
  type: MeasurementType;
  deviceId: string;
  deviceModel: string | null;
  /** ISO 8601 instant */
  measuredAt: string;
  receivedAt: string;
  flags: Readonly<Record<string, FlagValue>>;
  components: ReadonlyArray<{ code: string; value: number; unit: string }>;
  /** where it came from (absent: a gateway) and who typed it in (ARCHITECTURE §12) */
  source?: 'gateway' | 'patient' | 'clinician';
  authorUserId?: string | null;
}

type AbsentReason = 'error' | 'not-performed' | 'temp-unknown' | 'unknown' | 'not-a-number' | 'positive-infinity' | 'negative-infinity';
type StatusEffect =
  | { kind: 'absent'; reason: AbsentReason }
  | { kind: 'interpretation'; code: 'questionable' | 'calibration-ongoing' | 'validated-data' | 'early-indication'; display: string }
  | { kind: 'test-data' };

/**
 * The decoders' measurement-status flags (BLE PLX, GHS and WSS names for the 11073 Measurement
 * Status bits) and the element the PHD IG maps each bit to. For dataAbsentReason the first row
 * that applies wins (invalid before not available before ongoing).
 */
export const MEASUREMENT_STATUS: ReadonlyArray<readonly [flag: string, effect: StatusEffect]> = [
  ['invalidMeasurement', { kind: 'absent', reason: 'error' }],
  // a scale's "measurement unsuccessful" value (WSS 0xFFFF) is the same failure
  ['measurementUnsuccessful', { kind: 'absent', reason: 'error' }],
  ['measurementUnavailable', { kind: 'absent', reason: 'not-performed' }],
  ['measurementOngoing', { kind: 'absent', reason: 'temp-unknown' }],
  ['questionableMeasurement', { kind: 'interpretation', code: 'questionable', display: 'Questionable' }],
  ['calibrationOngoing', { kind: 'interpretation', code: 'calibration-ongoing', display: 'Calibration ongoing' }],
  ['validatedData', { kind: 'interpretation', code: 'validated-data', display: 'Validated data' }],
  ['earlyEstimatedData', { kind: 'interpretation', code: 'early-indication', display: 'Early indication' }],
  ['dataForTesting', { kind: 'test-data' }],
  ['dataForDemonstration', { kind: 'test-data' }],
];

/** One bit of a device status BITs value, and the decoder flag (and value) that says it is set. */
export interface StatusBit {
  flag: string;
  value: FlagValue;
  bit: number;
  /** the ASN.1 name, as the PHD IG's ASN1ToHL7 code system has it */
  name: string;
}

/**
 * Device status BITs per measurement type: the 11073 status metric (its MDC code) and its bits.
 * Blood pressure: BLS Measurement Status = MDC_BLOOD_PRESSURE_MEASUREMENT_STATUS (8410608);
 * pulse oximeter: PLX Device and Sensor Status = MDC_PULS_OXIM_DEV_STATUS (150604).
 */
export const DEVICE_STATUS: Partial<Record<MeasurementType, { code: MdcCode; bits: readonly StatusBit[] }>> = {
  blood_pressure: {
    code: MDC.bloodPressureStatus,
    bits: [
      { flag: 'bodyMovement', value: true, bit: 0, name: 'body-movement' },
      { flag: 'cuffTooLoose', value: true, bit: 1, name: 'cuff-too-loose' },
      { flag: 'irregularPulse', value: true, bit: 2, name: 'irregular-pulse' },
      { flag: 'pulseRateRange', value: 'exceedsUpper', bit: 3, name: 'pulse-over-range-limit' },
      { flag: 'pulseRateRange', value: 'belowLower', bit: 4, name: 'pulse-under-range-limit' },
      { flag: 'improperPosition', value: true, bit: 5, name: 'improper-body-position' },
    ],
  },
  pulse_oximetry: {
    code: MDC.oximeterDeviceStatus,
    bits: [
      { flag: 'sensorDisconnected', value: true, bit: 0, name: 'sensor-disconnected' },
      { flag: 'sensorMalfunctioning', value: true, bit: 1, name: 'sensor-malfunction' },
      { flag: 'sensorDisplaced', value: true, bit: 2, name: 'sensor-displaced' },
      { flag: 'unknownSensorConnected', value: true, bit: 3, name: 'sensor-unsupported' },
      { flag: 'sensorUnconnectedToUser', value: true, bit: 4, name: 'sensor-off' },
      { flag: 'sensorInterference', value: true, bit: 5, name: 'sensor-interference' },
      { flag: 'signalAnalysisOngoing', value: true, bit: 6, name: 'signal-searching' },
      { flag: 'questionablePulse', value: true, bit: 7, name: 'signal-pulse-questionable' },
      { flag: 'nonpulsatileSignal', value: true, bit: 8, name: 'signal-non-pulsatile' },
      { flag: 'erraticSignal', value: true, bit: 9, name: 'signal-erratic' },
      { flag: 'lowPerfusion', value: true, bit: 10, name: 'signal-low-perfusion' },
      { flag: 'poorSignal', value: true, bit: 11, name: 'signal-poor' },
      { flag: 'inadequateSignal', value: true, bit: 12, name: 'signal-inadequate' },
      { flag: 'signalProcessingIrregularity', value: true, bit: 13, name: 'signal-processing-irregularity' },
      { flag: 'equipmentMalfunction', value: true, bit: 14, name: 'device-equipment-malfunction' },
      { flag: 'extendedDisplayUpdateOngoing', value: true, bit: 15, name: 'device-extended-update' },
    ],
  },
};

/** Each (type, flags pattern) that makes a status Observation: the repository counts them with `flags @> pattern`. */
export function deviceStatusPatterns(): Array<{ type: MeasurementType; pattern: Record<string, FlagValue> }> {
  return Object.entries(DEVICE_STATUS).flatMap(([type, status]) => (status?.bits ?? []).map((b) => ({ type: type as MeasurementType, pattern: { [b.flag]: b.value } })));
}

/** The gateway's flag for a time not known to within minutes (apps/gateway TIME_UNCERTAIN_FLAG). */
const TIME_UNCERTAIN = 'timeUncertain';

/** The decoders' `<name>Unavailable` values (an 11073 special FLOAT) and the PHD IG's dataAbsentReason for each. */
const SPECIAL_VALUE_REASON: Record<string, AbsentReason> = {
  nan: 'not-a-number',
  '+inf': 'positive-infinity',
  '-inf': 'negative-infinity',
  nres: 'error',
  reserved: 'error',
};
/** The decoder's name of each panel component, for its `<name>Unavailable` flag. */
const PANEL_FLAG_NAME: Partial<Record<ObservationCode, string>> = { '8480-6': 'systolic', '8462-4': 'diastolic', '8478-0': 'meanArterial' };

export const observationUuid = (measurementId: string, mdc: MdcCode): string => uuidFromName(`observation/${measurementId}/${mdc.code}`);
export const deviceUuid = (deviceId: string): string => uuidFromName(`device/${deviceId}`);

const coding = (system: string, code: string, display?: string): Coding => (display === undefined ? { system, code } : { system, code, display });
const absent = (reason: AbsentReason): CodeableConcept => ({ coding: [coding(SYSTEM.dataAbsentReason, reason)] });
const category = (code: 'vital-signs' | 'exam', display: string): CodeableConcept => ({ coding: [coding(SYSTEM.observationCategory, code, display)] });
const PHD_CATEGORY: CodeableConcept = { coding: [coding(SYSTEM.phdObservationCategory, 'phd-observation', 'PHD generated Observation')] };

interface StatusSummary {
  absent: AbsentReason | undefined;
  interpretation: Coding[];
  testData: boolean;
}

function statusOf(flags: StoredMeasurement['flags']): StatusSummary {
  const summary: StatusSummary = { absent: undefined, interpretation: [], testData: false };
  for (const [flag, effect] of MEASUREMENT_STATUS) {
    if (flags[flag] !== true) continue;
    switch (effect.kind) {
      case 'absent':
        summary.absent ??= effect.reason;
        break;
      case 'interpretation':
        summary.interpretation.push(coding(SYSTEM.measurementStatus, effect.code, effect.display));
        break;
      case 'test-data':
        summary.testData = true;
        break;
    }
  }
  return summary;
}

function codeOf(code: ObservationCode, type: MeasurementType): CodeableConcept {
  const term = termOf(code, type);
  const codings = [coding(SYSTEM.mdc, term.mdc.code, term.mdc.refId), coding(SYSTEM.loinc, code, term.loincDisplay)];
  // FHIR R4 vital signs code SpO2 as 2708-6; 59408-5 says "by pulse oximetry"
  if (code === LOINC.spo2) codings.push(coding(SYSTEM.loinc, OXYGEN_SATURATION.code, OXYGEN_SATURATION.display));
  return { coding: codings, text: CODE_DEFINITIONS[code].display };
}

/** valueQuantity, or the dataAbsentReason that replaces it. */
function valueOf(code: ObservationCode, type: MeasurementType, value: number | undefined, reason: AbsentReason | undefined): Pick<Observation, 'valueQuantity' | 'dataAbsentReason'> {
  if (reason !== undefined || value === undefined) return { dataAbsentReason: absent(reason ?? 'unknown') };
  return { valueQuantity: { value, unit: termOf(code, type).unitText, system: SYSTEM.ucum, code: CODE_DEFINITIONS[code].unit } };
}

/** The platform's code system of where a reading came from (FUT marks typed readings with a quality code the same way). */
export const MEASUREMENT_SOURCE_SYSTEM = 'urn:telemonitoring:measurement-source';

/** A reading typed in by the patient or taken by a clinician: coded as entered manually, performed by whoever typed it. */
function enteredManually(m: StoredMeasurement, source: 'patient' | 'clinician'): Pick<Observation, 'method' | 'performer'> {
  const text = source === 'patient' ? 'Indtastet manuelt af borgeren' : 'Målt og indtastet manuelt af en behandler';
  const performer = source === 'patient' || !m.authorUserId ? { reference: `Patient/${m.patientId}` } : { identifier: { system: 'urn:telemonitoring:user', value: m.authorUserId } };
  return { method: { coding: [{ system: MEASUREMENT_SOURCE_SYSTEM, code: `manual-${source}`, display: text }], text }, performer: [performer] };
}

/** The elements every Observation of one measurement shares. */
function baseObservation(m: StoredMeasurement, mdc: MdcCode, profiles: string[], categories: CodeableConcept[], code: CodeableConcept, testData: boolean): Observation {
  const observation: Observation = {
    resourceType: 'Observation',
    id: observationUuid(m.measurementId, mdc),
    meta: testData ? { profile: profiles, security: [coding(SYSTEM.actReason, 'HTEST', 'test health data')] } : { profile: profiles },
    identifier: [
      { system: SYSTEM.observationId, value: `${m.measurementId}/${mdc.code}` },
      { system: SYSTEM.measurementId, value: m.measurementId },
    ],
    status: m.flags.measurementOngoing === true ? 'preliminary' : 'final',
    category: categories,
    code,
    subject: { reference: `Patient/${m.patientId}` },
    effectiveDateTime: m.measuredAt,
    issued: m.receivedAt,
    performer: [{ reference: `Patient/${m.patientId}` }],
    device: deviceReference(m),
  };
  if (m.source === 'patient' || m.source === 'clinician') Object.assign(observation, enteredManually(m, m.source));
  if (m.flags[TIME_UNCERTAIN] === true)
    observation.note = [{ text: 'The time of this reading is not known to within minutes: the device clock was not set, or the device kept the reading before the gateway received it.' }];
  return observation;
}

function deviceReference(m: StoredMeasurement): Reference {
  return { reference: `urn:uuid:${deviceUuid(m.deviceId)}`, display: m.deviceModel ?? m.deviceId };
}

function numericObservation(m: StoredMeasurement, code: ObservationCode, value: number, status: StatusSummary): Observation {
  const vitalProfile = VITAL_SIGN_PROFILE[code];
  const profiles = vitalProfile ? [PROFILE.vitalSigns, vitalProfile, PROFILE.phdNumeric] : [PROFILE.phdNumeric];
  const categories = [vitalProfile ? category('vital-signs', 'Vital Signs') : category('exam', 'Exam'), PHD_CATEGORY];
  const observation = baseObservation(m, termOf(code, m.type).mdc, profiles, categories, codeOf(code, m.type), status.testData);
  Object.assign(observation, valueOf(code, m.type, value, status.absent));
  if (status.interpretation.length > 0) observation.interpretation = [{ coding: status.interpretation }];
  return observation;
}

function panelComponent(m: StoredMeasurement, code: ObservationCode, status: StatusSummary): ObservationComponent {
  const stored = m.components.find((c) => c.code === code);
  const special = m.flags[`${PANEL_FLAG_NAME[code]}Unavailable`];
  const reason = status.absent ?? (stored ? undefined : typeof special === 'string' ? (SPECIAL_VALUE_REASON[special] ?? 'error') : 'unknown');
  // the measurement status (interpretation) is the panel's, stated once on it
  return { code: codeOf(code, m.type), ...valueOf(code, m.type, stored?.value, reason) };
}

function bloodPressurePanel(m: StoredMeasurement, status: StatusSummary): Observation {
  const code = { coding: [coding(SYSTEM.mdc, MDC.bloodPressure.code, MDC.bloodPressure.refId), coding(SYSTEM.loinc, BP_PANEL.code, BP_PANEL.display)], text: 'Blood pressure' };
  const profiles = [PROFILE.vitalSigns, PROFILE.bloodPressure, PROFILE.phdCompoundNumeric];
  const observation = baseObservation(m, MDC.bloodPressure, profiles, [category('vital-signs', 'Vital Signs'), PHD_CATEGORY], code, status.testData);
  if (status.absent) observation.dataAbsentReason = absent(status.absent);
  if (status.interpretation.length > 0) observation.interpretation = [{ coding: status.interpretation }];
  // R4 requires systolic and diastolic (a missing one carries its dataAbsentReason); mean when the cuff reported one
  const hasMean = m.components.some((c) => c.code === LOINC.meanArterial) || typeof m.flags.meanArterialUnavailable === 'string';
  observation.component = [LOINC.systolic, LOINC.diastolic, ...(hasMean ? [LOINC.meanArterial] : [])].map((code) => panelComponent(m, code, status));
  return observation;
}

function deviceStatusObservation(m: StoredMeasurement, derivedFrom: Observation): Observation | undefined {
  const status = DEVICE_STATUS[m.type];
  const set = (status?.bits ?? []).filter((b) => m.flags[b.flag] === b.value);
  if (!status || set.length === 0) return undefined;
  const code = { coding: [coding(SYSTEM.mdc, status.code.code, status.code.refId)], text: status.code.refId };
  const observation = baseObservation(m, status.code, [PROFILE.phdBitsEnumeration], [PHD_CATEGORY], code, statusOf(m.flags).testData);
  observation.derivedFrom = [{ reference: `urn:uuid:${derivedFrom.id}` }];
  // event bits: only the set ones are reported (PHD IG, BITs Enumeration profile)
  observation.component = set.map((b) => ({
    code: { coding: [coding(SYSTEM.asn1Bits, `${status.code.code}.${b.bit}`, b.name)], text: b.name },
    valueCodeableConcept: { coding: [coding(SYSTEM.v2YesNo, 'Y', 'Yes')] },
  }));
  return observation;
}

/**
 * The Observations of one measurement, in a fixed order: the reading (BP panel, SpO2, weight or
 * the spirometry values in the wire's order), its pulse rate, then the device status.
 */
export function observationsFor(m: StoredMeasurement): Observation[] {
  const status = statusOf(m.flags);
  const stored = m.components.filter((c): c is StoredMeasurement['components'][number] & { code: ObservationCode } => isObservationCode(c.code));
  const observations: Observation[] = [];
  if (stored.some((c) => PANEL_COMPONENT_CODES.includes(c.code))) observations.push(bloodPressurePanel(m, status));
  // the reading's values in the wire's order, its pulse rate after them
  const rank = (code: ObservationCode) => (code === LOINC.pulse ? OBSERVATION_CODES.length : OBSERVATION_CODES.indexOf(code));
  const singles = stored.filter((c) => !PANEL_COMPONENT_CODES.includes(c.code)).sort((a, b) => rank(a.code) - rank(b.code));
  for (const c of singles) observations.push(numericObservation(m, c.code, c.value, status));
  const first = observations[0];
  const deviceStatus = first ? deviceStatusObservation(m, first) : undefined;
  if (deviceStatus) observations.push(deviceStatus);
  return observations;
}

/** The Device resource for a measuring device: a PHD (MDC simple MDS) of the measurement's specialization. */
export function deviceFor(m: Pick<StoredMeasurement, 'deviceId' | 'deviceModel' | 'type'>): Device {
  const specialization = DEVICE_SPECIALIZATION[m.type];
  const device: Device = {
    resourceType: 'Device',
    id: deviceUuid(m.deviceId),
    identifier: [{ system: SYSTEM.deviceId, value: m.deviceId }],
    type: { coding: [coding(SYSTEM.mdc, MDC.simpleMds.code, MDC.simpleMds.refId)], text: 'Personal health device' },
    specialization: [{ systemType: { coding: [coding(SYSTEM.mdc, specialization.code, specialization.refId)], text: specialization.refId } }],
  };
  if (m.deviceModel) device.deviceName = [{ name: m.deviceModel, type: 'model-name' }];
  return device;
}
