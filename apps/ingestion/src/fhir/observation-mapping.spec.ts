import type { Coding, Observation } from 'fhir/r4';
import { deviceFor, type StoredMeasurement, observationsFor } from './observation-mapping';
import { validateBundle, validateR4 } from './r4-validator';
import { searchsetBundle } from './searchset';

/** Readings as the decoders and the gateway store them (flags as devices/*\/src/decoder.ts name them). */
const base = { patientId: 'pt-001', measuredAt: '2026-11-23T06:59:40Z', receivedAt: '2026-11-23T07:00:01.25Z' } as const;
const bloodPressure: StoredMeasurement = {
  ...base,
  measurementId: 'bp-0001',
  type: 'blood_pressure',
  deviceId: '5140500001',
  deviceModel: 'A&D UA-651BLE',
  flags: { pressureUnit: 'mm[Hg]', bodyMovement: false, cuffTooLoose: false, irregularPulse: true, pulseRateRange: 'within', improperPosition: false },
  components: [
    { code: '8480-6', value: 142, unit: 'mm[Hg]' },
    { code: '8462-4', value: 91, unit: 'mm[Hg]' },
    { code: '8478-0', value: 108, unit: 'mm[Hg]' },
    { code: '8867-4', value: 72, unit: '/min' },
  ],
};
const oximetry: StoredMeasurement = {
  ...base,
  measurementId: 'ox-0001',
  type: 'pulse_oximetry',
  deviceId: 'nonin-3230-0001',
  deviceModel: 'Nonin 3230',
  flags: { signalQuality: 'good' },
  components: [
    { code: '59408-5', value: 95, unit: '%' },
    { code: '8867-4', value: 68, unit: '/min' },
  ],
};
const weight: StoredMeasurement = {
  ...base,
  measurementId: 'ws-0001',
  type: 'body_weight',
  deviceId: 'uc352-0001',
  deviceModel: 'A&D UC-352BLE',
  flags: { weightUnit: 'kg' },
  components: [{ code: '29463-7', value: 82.4, unit: 'kg' }],
};
const spirometry: StoredMeasurement = {
  ...base,
  measurementId: 'sp-0001',
  type: 'spirometry',
  deviceId: 'spiro-0001',
  deviceModel: null,
  flags: {},
  components: [
    { code: '19935-6', value: 240, unit: 'L/min' },
    { code: '20150-9', value: 1.8, unit: 'L' },
    { code: '19868-9', value: 3.1, unit: 'L' },
    { code: '19926-5', value: 58, unit: '%' },
  ],
};

const codes = (o: Observation | undefined, system: string) => (o?.code.coding ?? []).filter((c) => c.system === system).map((c) => c.code);
const LOINC = 'http://loinc.org';
const MDC = 'urn:iso:std:iso:11073:10101';
const categories = (o: Observation) => (o.category ?? []).flatMap((c) => c.coding ?? []).map((c: Coding) => c.code);
const component = (o: Observation | undefined, loinc: string) => o?.component?.find((c) => c.code.coding?.some((x) => x.system === LOINC && x.code === loinc));

describe('blood pressure, as the PHD IG maps a cuff reading', () => {
  const [panel, pulse, status] = observationsFor(bloodPressure);

  it('is one 85354-9 panel (MDC 150020) with systolic, diastolic and mean components, LOINC and MDC coded, in mm[Hg]', () => {
    expect(codes(panel, LOINC)).toEqual(['85354-9']);
    expect(codes(panel, MDC)).toEqual(['150020']);
    expect(panel?.valueQuantity).toBeUndefined();
    expect(panel?.component?.map((c) => c.code.coding?.map((x) => x.code))).toEqual([
      ['150021', '8480-6'],
      ['150022', '8462-4'],
      ['150023', '8478-0'],
    ]);
    expect(component(panel, '8480-6')?.valueQuantity).toEqual({ value: 142, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' });
    expect(panel?.meta?.profile).toEqual([
      'http://hl7.org/fhir/StructureDefinition/vitalsigns',
      'http://hl7.org/fhir/StructureDefinition/bp',
      'http://hl7.org/fhir/uv/phd/StructureDefinition/PhdCompoundNumericObservation',
    ]);
  });

  it('reports the cuff’s pulse rate as its own heart-rate Observation, 8867-4 and MDC_PULS_RATE_NON_INV 149546', () => {
    expect(codes(pulse, LOINC)).toEqual(['8867-4']);
    expect(codes(pulse, MDC)).toEqual(['149546']);
    expect(pulse?.valueQuantity).toEqual({ value: 72, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' });
    expect(pulse?.meta?.profile).toContain('http://hl7.org/fhir/StructureDefinition/heartrate');
  });

  it('reports the irregular pulse bit as a PHD BITs Observation 8410608.2 derived from the panel, and only the set bits', () => {
    expect(codes(status, MDC)).toEqual(['8410608']);
    expect(status?.component?.map((c) => c.code.coding?.[0]?.code)).toEqual(['8410608.2']);
    expect(status?.component?.[0]?.valueCodeableConcept?.coding?.[0]).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/v2-0136', code: 'Y' });
    expect(status?.derivedFrom).toEqual([{ reference: `urn:uuid:${panel?.id}` }]);
    expect(categories(status!)).toEqual(['phd-observation']);
  });

  it('exports a systolic-only blood pressure (issue 17, item 8) as the 85354-9 panel, the missing diastolic with a dataAbsentReason', () => {
    const systolicOnly = { ...bloodPressure, components: [{ code: '8480-6', value: 75, unit: 'mm[Hg]' }] };
    const [p] = observationsFor(systolicOnly);
    expect(codes(p, LOINC)).toContain('85354-9');
    expect(component(p, '8480-6')?.valueQuantity?.value).toBe(75);
    expect(component(p, '8462-4')?.valueQuantity).toBeUndefined();
    expect(component(p, '8462-4')?.dataAbsentReason?.coding?.[0]?.code).toBe('unknown');
    expect(validateR4(p!).problems).toEqual([]);
  });

  it('keeps the panel conformant when the cuff reported no systolic (NaN): the component stays, with a dataAbsentReason', () => {
    const nan = { ...bloodPressure, flags: { systolicUnavailable: 'nan' }, components: bloodPressure.components.filter((c) => c.code !== '8480-6') };
    const [p] = observationsFor(nan);
    expect(component(p, '8480-6')?.dataAbsentReason?.coding?.[0]?.code).toBe('not-a-number');
    expect(validateR4(p!).problems).toEqual([]);
  });

  it.each([
    ['a NaN mean arterial pressure (A&D and Omron cuffs send one)', { meanArterialUnavailable: 'nan' }, 'not-a-number'],
    ['a mean out of the cuff’s range (NRes)', { meanArterialUnavailable: 'nres' }, 'error'],
  ])('reports %s as the mean component’s dataAbsentReason', (_name, flags, reason) => {
    const [p] = observationsFor({ ...bloodPressure, flags, components: bloodPressure.components.filter((c) => c.code !== '8478-0') });
    expect(component(p, '8478-0')?.dataAbsentReason?.coding?.[0]?.code).toBe(reason);
  });

  it('leaves the mean out when the cuff sent none', () => {
    const [p] = observationsFor({ ...bloodPressure, components: bloodPressure.components.filter((c) => c.code !== '8478-0') });
    expect(component(p, '8478-0')).toBeUndefined();
  });
});

describe('codes and profiles of each reading', () => {
  it.each<[string, StoredMeasurement, number, string[], string[], string[], string[]]>([
    // reading, measurement, index, LOINC codes, MDC code, categories, profiles (after vital signs)
    ['SpO2', oximetry, 0, ['59408-5', '2708-6'], ['150456'], ['vital-signs', 'phd-observation'], ['vitalsigns', 'oxygensat', 'PhdNumericObservation']],
    ['oximeter pulse rate', oximetry, 1, ['8867-4'], ['149530'], ['vital-signs', 'phd-observation'], ['vitalsigns', 'heartrate', 'PhdNumericObservation']],
    ['body weight', weight, 0, ['29463-7'], ['188736'], ['vital-signs', 'phd-observation'], ['vitalsigns', 'bodyweight', 'PhdNumericObservation']],
    ['FEV1', spirometry, 0, ['20150-9'], ['152586'], ['exam', 'phd-observation'], ['PhdNumericObservation']],
    ['FVC', spirometry, 1, ['19868-9'], ['188928'], ['exam', 'phd-observation'], ['PhdNumericObservation']],
    ['FEV1/FVC', spirometry, 2, ['19926-5'], ['188948'], ['exam', 'phd-observation'], ['PhdNumericObservation']],
    ['PEF', spirometry, 3, ['19935-6'], ['152584'], ['exam', 'phd-observation'], ['PhdNumericObservation']],
  ])('%s: LOINC %j, MDC %j, category %j, profiles %j', (_name, m, index, loinc, mdc, category, profiles) => {
    const o = observationsFor(m)[index]!;
    expect(codes(o, LOINC)).toEqual(loinc);
    expect(codes(o, MDC)).toEqual(mdc);
    expect(categories(o)).toEqual(category);
    expect(o.meta?.profile?.map((p) => p.split('/').pop())).toEqual(profiles);
  });

  it('makes one Observation per spirometry value, none of them a vital sign', () => {
    const all = observationsFor(spirometry);
    expect(all).toHaveLength(4);
    expect(all.flatMap(categories)).not.toContain('vital-signs');
  });

  it('names the patient, the time, the reception, the performer and the device of every Observation', () => {
    for (const o of observationsFor(bloodPressure)) {
      expect(o).toMatchObject({ subject: { reference: 'Patient/pt-001' }, effectiveDateTime: '2026-11-23T06:59:40Z', issued: '2026-11-23T07:00:01.25Z', performer: [{ reference: 'Patient/pt-001' }] });
      expect(o.device).toEqual({ reference: `urn:uuid:${deviceFor(bloodPressure).id}`, display: 'A&D UA-651BLE' });
    }
  });

  it('identifies each Observation by its measurement id, and gives it a UUID that the same reading always gets again', () => {
    const [first, second] = observationsFor(oximetry);
    expect(first?.identifier).toEqual([
      { system: 'urn:telemonitoring:observation', value: 'ox-0001/150456' },
      { system: 'urn:telemonitoring:measurement', value: 'ox-0001' },
    ]);
    expect(first?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(observationsFor(oximetry)[0]?.id).toBe(first?.id);
    expect(second?.id).not.toBe(first?.id);
    expect(observationsFor({ ...oximetry, measurementId: 'ox-0002' })[0]?.id).not.toBe(first?.id);
  });

  it.each<[StoredMeasurement, string]>([
    [bloodPressure, '528391'],
    [oximetry, '528388'],
    [weight, '528399'],
    [spirometry, '528405'],
  ])('describes the device of a %s reading as a PHD (MDC 65573) of specialization %s', (m, specialization) => {
    const device = deviceFor(m);
    expect(device.identifier).toEqual([{ system: 'urn:telemonitoring:device', value: m.deviceId }]);
    expect(device.type?.coding?.[0]?.code).toBe('65573');
    expect(device.specialization?.[0]?.systemType.coding?.[0]?.code).toBe(specialization);
    expect(device.deviceName).toEqual(m.deviceModel ? [{ name: m.deviceModel, type: 'model-name' }] : undefined);
  });
});

describe('device quality flags, as the PHD IG maps the 11073 measurement status', () => {
  const spo2 = (flags: StoredMeasurement['flags']) => observationsFor({ ...oximetry, flags })[0]!;

  it.each([
    ['invalid', 'invalidMeasurement', 'error'],
    ['not available', 'measurementUnavailable', 'not-performed'],
    ['still being measured', 'measurementOngoing', 'temp-unknown'],
  ])('withholds the value of a measurement the device calls %s: dataAbsentReason %s', (_name, flag, reason) => {
    const o = spo2({ [flag]: true });
    expect(o.valueQuantity).toBeUndefined();
    expect(o.dataAbsentReason?.coding?.[0]).toEqual({ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: reason });
    expect(validateR4(o).problems).toEqual([]);
  });

  it('marks a measurement still being taken as preliminary', () => expect(spo2({ measurementOngoing: true }).status).toBe('preliminary'));

  it.each([
    ['questionableMeasurement', 'questionable'],
    ['calibrationOngoing', 'calibration-ongoing'],
    ['validatedData', 'validated-data'],
    ['earlyEstimatedData', 'early-indication'],
  ])('keeps the value of a %s reading and says so in interpretation (%s)', (flag, code) => {
    const o = spo2({ [flag]: true });
    expect(o.valueQuantity?.value).toBe(95);
    expect(o.interpretation?.[0]?.coding).toEqual([expect.objectContaining({ system: 'http://hl7.org/fhir/uv/pocd/CodeSystem/measurement-status', code })]);
  });

  it.each(['dataForTesting', 'dataForDemonstration'])('labels %s as test data (meta.security HTEST)', (flag) => {
    expect(spo2({ [flag]: true }).meta?.security).toEqual([expect.objectContaining({ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HTEST' })]);
  });

  it('withholds a failed weighing (WSS "measurement unsuccessful")', () => {
    expect(observationsFor({ ...weight, flags: { measurementUnsuccessful: true } })[0]?.dataAbsentReason?.coding?.[0]?.code).toBe('error');
  });

  it('withholds every pressure of a cuff reading the device calls invalid, and the panel stays conformant', () => {
    const [panel] = observationsFor({ ...bloodPressure, flags: { invalidMeasurement: true } });
    expect(panel?.component?.map((c) => c.dataAbsentReason?.coding?.[0]?.code)).toEqual(['error', 'error', 'error']);
    expect(validateR4(panel!).problems).toEqual([]);
  });

  it.each([
    ['sensorDisplaced', '150604.2', 'sensor-displaced'],
    ['lowPerfusion', '150604.10', 'signal-low-perfusion'],
    ['questionablePulse', '150604.7', 'signal-pulse-questionable'],
  ])('reports the oximeter’s %s as bit %s (%s) of MDC_PULS_OXIM_DEV_STATUS', (flag, bit, name) => {
    const all = observationsFor({ ...oximetry, flags: { [flag]: true } });
    expect(all).toHaveLength(3);
    expect(all[2]?.component?.[0]?.code.coding?.[0]).toMatchObject({ code: bit, display: name });
  });

  it.each([
    ['bodyMovement', true, '8410608.0'],
    ['cuffTooLoose', true, '8410608.1'],
    ['pulseRateRange', 'exceedsUpper', '8410608.3'],
    ['pulseRateRange', 'belowLower', '8410608.4'],
    ['improperPosition', true, '8410608.5'],
  ])('reports the cuff’s %s = %s as bit %s', (flag, value, bit) => {
    const status = observationsFor({ ...bloodPressure, flags: { [flag]: value } })[2];
    expect(status?.component?.map((c) => c.code.coding?.[0]?.code)).toEqual([bit]);
  });

  it('adds no status Observation for a reading without a set status bit', () => {
    expect(observationsFor({ ...bloodPressure, flags: { irregularPulse: false, pulseRateRange: 'within' } })).toHaveLength(2);
  });

  it('notes a time the gateway could not establish to within minutes', () => {
    expect(spo2({ timeUncertain: true }).note?.[0]?.text).toMatch(/not known to within minutes/);
    expect(spo2({}).note).toBeUndefined();
  });
});

describe('conformance to the R4 StructureDefinitions (checked by the validator, not by eye)', () => {
  const variants: Array<[string, StoredMeasurement]> = [
    ['blood pressure with irregular pulse', bloodPressure],
    ['blood pressure without mean, invalid', { ...bloodPressure, flags: { invalidMeasurement: true }, components: bloodPressure.components.slice(0, 2) }],
    ['pulse oximetry, questionable, test data, sensor displaced', { ...oximetry, flags: { questionableMeasurement: true, dataForTesting: true, sensorDisplaced: true, timeUncertain: true } }],
    ['body weight', weight],
    ['spirometry', spirometry],
  ];

  it.each(variants)('%s: a searchset of its Observations and Device validates with no problem', (_name, m) => {
    const bundle = searchsetBundle({ self: 'http://localhost/fhir/Observation?patient=pt-001', total: 1, matches: observationsFor(m), includes: [deviceFor(m)] });
    const report = validateBundle(bundle);
    expect(report.problems).toEqual([]);
    // only the PHD IG's profiles are not shipped with the R4 definitions
    expect(report.unchecked.every((url) => url.startsWith('http://hl7.org/fhir/uv/phd/'))).toBe(true);
  });

  // the validator must fail what R4 forbids, or the tests above prove nothing
  const panel = observationsFor(bloodPressure)[0]!;
  const spo2 = observationsFor(oximetry)[0]!;
  it.each<[string, Observation, RegExp]>([
    ['a panel without its diastolic', { ...panel, component: panel.component!.filter((c) => !c.code.coding?.some((x) => x.code === '8462-4')) }, /DiastolicBP/],
    ['a systolic in the wrong unit', { ...panel, component: panel.component!.map((c, i) => (i === 0 ? { ...c, valueQuantity: { ...c.valueQuantity, code: 'mmHg' } } : c)) }, /mm\[Hg\]/],
    ['an SpO2 without 2708-6', { ...spo2, code: { ...spo2.code, coding: spo2.code.coding!.filter((c) => c.code !== '2708-6') } }, /OxygenSatCode/],
    ['an SpO2 in a unit other than %', { ...spo2, valueQuantity: { ...spo2.valueQuantity, code: 'percent' } }, /"%"/],
    ['a value beside a dataAbsentReason', { ...spo2, dataAbsentReason: { text: 'error' } }, /obs-6/],
    ['a vital sign without the vital-signs category', { ...spo2, category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'exam' }] }] }, /VSCat/],
    ['an element R4 does not define', { ...spo2, device: { reference: spo2.device!.reference, model: 'x' } as Observation['device'] }, /model/],
  ])('rejects %s', (_name, observation, problem) => {
    const { problems } = validateR4(observation);
    expect(problems.join('\n')).toMatch(problem);
  });

  it('rejects a reference to a Device the Bundle does not carry', () => {
    const { problems } = validateBundle(searchsetBundle({ self: 'http://localhost/fhir/Observation?patient=pt-001', matches: [spo2] }));
    expect(problems.join('\n')).toMatch(/resolves to no entry/);
  });

  it('rejects a device reference that resolves to something other than a Device', () => {
    const pulse = observationsFor(oximetry)[1]!;
    const wrong = { ...spo2, device: { reference: `urn:uuid:${pulse.id}` } };
    const { problems } = validateBundle(searchsetBundle({ self: 'http://localhost/fhir/Observation?patient=pt-001', matches: [wrong, pulse] }));
    expect(problems.join('\n')).toMatch(/Invalid reference/);
  });
});
