import { MeasurementSchema, parseMeasurementBatch, parseGatewayTopic, ThresholdsBodySchema, MAX_BATCH_BYTES } from './index';

const bp = {
  id: 'demo-gw-1:bp:1',
  patientId: 'pt-001',
  deviceId: 'UA651-0001',
  deviceModel: 'A&D UA-651BLE',
  type: 'blood_pressure',
  measuredAt: '2026-11-23T07:59:40+01:00',
  timeSource: 'device',
  components: [
    { code: '8480-6', value: 142, unit: 'mm[Hg]' },
    { code: '8462-4', value: 88, unit: 'mm[Hg]' },
    { code: '8867-4', value: 71, unit: '/min' },
  ],
  flags: { irregularPulse: true },
};
const with_ = (patch: object) => ({ ...bp, ...patch });

describe('Measurement schema', () => {
  it.each([
    ['a blood pressure with pulse', bp],
    ['a pulse oximetry reading', with_({ type: 'pulse_oximetry', components: [{ code: '59408-5', value: 94, unit: '%' }, { code: '8867-4', value: 80, unit: '/min' }] })],
    ['a body weight in kg', with_({ type: 'body_weight', components: [{ code: '29463-7', value: 82.35, unit: 'kg' }] })],
    ['a spirometry with FEV1 only', with_({ type: 'spirometry', components: [{ code: '20150-9', value: 1.42, unit: 'L' }] })],
    ['a UTC instant', with_({ measuredAt: '2026-11-23T06:59:40Z' })],
    // issue 17, item 8 (was rejected): a systolic 75 without its diastolic is a hypotension to evaluate
    ['a blood pressure without diastolic (systolic only)', with_({ components: [{ code: '8480-6', value: 75, unit: 'mm[Hg]' }] })],
  ])('accepts %s', (_name, m) => {
    expect(MeasurementSchema.safeParse(m).success).toBe(true);
  });

  it.each([
    ['blood pressure without systolic', with_({ components: [{ code: '8462-4', value: 88, unit: 'mm[Hg]' }] }), 'Systolic'],
    ['blood pressure in kPa', with_({ components: [{ code: '8480-6', value: 18.9, unit: 'kPa' }, { code: '8462-4', value: 11.7, unit: 'kPa' }] }), 'must be in mm[Hg]'],
    ['diastolic above systolic', with_({ components: [{ code: '8480-6', value: 80, unit: 'mm[Hg]' }, { code: '8462-4', value: 120, unit: 'mm[Hg]' }] }), 'below systolic'],
    ['SpO2 above 100 %', with_({ type: 'pulse_oximetry', components: [{ code: '59408-5', value: 101, unit: '%' }] }), 'outside 0–100'],
    ['weight of 2047 kg (a decoded NaN)', with_({ type: 'body_weight', components: [{ code: '29463-7', value: 2047, unit: 'kg' }] }), 'outside 10–400'],
    ['weight in pounds', with_({ type: 'body_weight', components: [{ code: '29463-7', value: 180, unit: '[lb_av]' }] }), 'must be in kg'],
    ['a weight component on a blood pressure', with_({ components: [...bp.components, { code: '29463-7', value: 80, unit: 'kg' }] }), 'not a component'],
    ['spirometry with only the ratio', with_({ type: 'spirometry', components: [{ code: '19926-5', value: 60, unit: '%' }] }), 'at least one'],
    ['a time without offset', with_({ measuredAt: '2026-11-23T07:59:40' }), 'measuredAt'],
    ['an unknown time source', with_({ timeSource: 'guess' }), 'timeSource'],
    ['an id with a slash', with_({ id: 'a/b' }), 'id'],
    ['a component appearing twice', with_({ components: [...bp.components, bp.components[0]] }), 'appears twice'],
  ])('rejects %s', (_name, m, fragment) => {
    const r = MeasurementSchema.safeParse(m);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(fragment);
  });
});

describe('parseMeasurementBatch', () => {
  const batch = (measurements: unknown[]) => JSON.stringify({ schema: 'tm.measurements.v1', gatewayId: 'demo-gw-1', sentAt: '2026-11-23T08:00:01Z', measurements });

  it('keeps valid measurements and rejects the others with their id and reason', () => {
    const r = parseMeasurementBatch(batch([bp, with_({ id: 'bad-1', type: 'pulse_oximetry', components: [{ code: '59408-5', value: 140, unit: '%' }] })]));
    expect(r.ok && r.measurements.map((m) => m.id)).toEqual(['demo-gw-1:bp:1']);
    expect(r.ok && r.rejected).toEqual([expect.objectContaining({ id: 'bad-1', reasonCode: 'invalid_measurement', reason: expect.stringContaining('outside 0–100') })]);
  });

  it.each([
    [
      'an SpO2 of 84 % with an artefact pulse of 15',
      with_({ type: 'pulse_oximetry', components: [{ code: '59408-5', value: 84, unit: '%' }, { code: '8867-4', value: 15, unit: '/min' }] }),
      [{ code: '59408-5', value: 84, unit: '%' }],
      ['8867-4'],
    ],
    [
      'a blood pressure whose diastolic is not a number',
      with_({ components: [{ code: '8480-6', value: 75, unit: 'mm[Hg]' }, { code: '8462-4', value: null, unit: 'mm[Hg]' }, { code: '8867-4', value: 64, unit: '/min' }] }),
      [{ code: '8480-6', value: 75, unit: 'mm[Hg]' }, { code: '8867-4', value: 64, unit: '/min' }],
      ['8462-4'],
    ],
    [
      'a blood pressure whose diastolic is above its systolic (the pulse survives)',
      with_({ components: [{ code: '8480-6', value: 80, unit: 'mm[Hg]' }, { code: '8462-4', value: 120, unit: 'mm[Hg]' }, { code: '8867-4', value: 64, unit: '/min' }] }),
      [{ code: '8867-4', value: 64, unit: '/min' }],
      ['8480-6', '8462-4'],
    ],
  ])('stores the valid components of %s and refuses the others with their reason', (_name, reading, kept, refusedCodes) => {
    const r = parseMeasurementBatch(batch([reading]));
    expect(r.ok && r.measurements.map((m) => m.components)).toEqual([kept]);
    expect(r.ok && r.rejected).toEqual([]);
    expect(r.ok && r.componentRejections.map((c) => (c.payload as { code: string }).code)).toEqual(refusedCodes);
    expect(r.ok && r.componentRejections.every((c) => c.reasonCode === 'invalid_component' && c.id === bp.id)).toBe(true);
  });

  it('rejects a measurement none of whose components is valid, with the reason', () => {
    const r = parseMeasurementBatch(batch([with_({ type: 'pulse_oximetry', components: [{ code: '59408-5', value: 140, unit: '%' }] })]));
    expect(r.ok && r.measurements).toEqual([]);
    expect(r.ok && r.rejected).toEqual([expect.objectContaining({ reasonCode: 'invalid_measurement', reason: expect.stringContaining('outside 0–100') })]);
  });

  it.each([
    ['a NUL in the device id', with_({ deviceId: 'UA651\u0000' })],
    ['an unpaired surrogate in the device model', with_({ deviceModel: 'A&D \udc00' })],
    ['a NUL in a flag value', with_({ flags: { note: 'a\u0000b' } })],
    ['a NUL in a flag name', with_({ flags: { ['x\u0000']: true } })],
  ])('rejects a measurement with text a database cannot store as sent: %s', (_name, reading) => {
    const r = parseMeasurementBatch(batch([reading]));
    expect(r.ok && r.rejected).toEqual([expect.objectContaining({ reasonCode: 'invalid_measurement', reason: expect.stringMatching(/NUL characters or unpaired surrogates|flags\.x.*Invalid key/s) })]);
  });

  it('refuses a payload nested far deeper than a batch, without recursing into it', () => {
    const deep = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
    const payload = JSON.stringify({ schema: 'tm.measurements.v1', gatewayId: 'demo-gw-1', sentAt: '2026-11-23T08:00:01Z', measurements: [with_({ components: [{ code: '59408-5', value: 'DEEP', unit: '%' }] })] }).replace('"DEEP"', deep);
    const r = parseMeasurementBatch(payload);
    expect(r).toEqual({ ok: false, reasonCode: 'invalid_batch', reason: expect.stringContaining('deeper than 32 levels') });
  });

  it('stores an identical copy of an id in one batch once and names it once', () => {
    const r = parseMeasurementBatch(batch([bp, bp]));
    expect(r.ok && { stored: r.measurements.map((m) => m.id), rejected: r.rejected, repeated: r.repeated }).toEqual({ stored: ['demo-gw-1:bp:1'], rejected: [], repeated: ['demo-gw-1:bp:1'] });
  });

  it('keeps the first copy of an id and records a copy with other values as a conflict, never as rejected in the receipt', () => {
    const other = with_({ components: [{ code: '8480-6', value: 180, unit: 'mm[Hg]' }, { code: '8462-4', value: 95, unit: 'mm[Hg]' }] });
    const r = parseMeasurementBatch(batch([bp, other]));
    expect(r.ok && r.measurements).toEqual([bp]);
    expect(r.ok && r.rejected).toEqual([]);
    expect(r.ok && r.conflicts).toEqual([expect.objectContaining({ id: bp.id, reasonCode: 'conflict_in_batch', payload: other })]);
  });

  it('prefers a valid copy of an id over an invalid one', () => {
    const broken = with_({ components: [{ code: '8480-6', value: 'high', unit: 'mm[Hg]' }] });
    const r = parseMeasurementBatch(batch([broken, bp]));
    expect(r.ok && r.measurements.map((m) => m.id)).toEqual([bp.id]);
    expect(r.ok && r.rejected).toEqual([]);
    expect(r.ok && r.conflicts.map((c) => c.reasonCode)).toEqual(['conflict_in_batch']);
  });

  it.each([
    ['an unset device clock (1970)', '1970-01-01T00:00:00Z'],
    ['a date before 2000', '1999-12-31T23:59:59Z'],
    ['a reset clock running on from 2000-01-01 (Danish time)', '2000-01-01T07:30:00+01:00'],
    ['a reading dated in the future (2999)', '2999-12-31T00:00:00Z'],
    ['a reading 11 minutes ahead of reception', '2026-11-23T08:11:02Z'],
  ])('rejects %s as implausible_time, keeping the measurement whole', (_name, measuredAt) => {
    const reading = with_({ id: 'odd-time', measuredAt });
    const r = parseMeasurementBatch(batch([reading]), new Date('2026-11-23T08:00:01Z'));
    expect(r.ok && r.rejected).toEqual([expect.objectContaining({ id: 'odd-time', reasonCode: 'implausible_time', payload: reading })]);
  });

  it('accepts a reading a few minutes ahead of reception (clock drift)', () => {
    const r = parseMeasurementBatch(batch([with_({ measuredAt: '2026-11-23T08:05:00Z' })]), new Date('2026-11-23T08:00:01Z'));
    expect(r.ok && r.rejected).toEqual([]);
  });

  it.each([
    ['bad JSON', '{"schema":', 'bad_json'],
    ['a wrong schema id', JSON.stringify({ schema: 'v0', gatewayId: 'g', sentAt: '2026-11-23T08:00:01Z', measurements: [bp] }), 'invalid_batch'],
    ['an empty batch', batch([]), 'invalid_batch'],
    ['501 measurements', batch(Array.from({ length: 501 }, () => bp)), 'invalid_batch'],
    ['an oversized payload', 'x'.repeat(MAX_BATCH_BYTES + 1), 'oversized'],
  ])('refuses %s as a whole', (_name, payload, reasonCode) => {
    const r = parseMeasurementBatch(payload);
    expect(r).toEqual({ ok: false, reasonCode, reason: expect.any(String) });
  });
});

describe('gateway topics', () => {
  it.each([
    ['tm/v1/gateways/demo-gw-1/measurements', { gatewayId: 'demo-gw-1', kind: 'measurements' }],
    ['tm/v1/gateways/demo-gw-1/status', { gatewayId: 'demo-gw-1', kind: 'status' }],
    ['tm/v1/gateways/demo-gw-1/other', null],
    ['tm/v1/gateways/+/measurements', null],
    ['tm/v2/gateways/g/measurements', null],
  ])('%s', (topic, expected) => expect(parseGatewayTopic(topic)).toEqual(expected));
});

describe('thresholds body', () => {
  const spo2 = { rule: 'spo2-low', kind: 'absolute', code: '59408-5', direction: 'low', unit: '%', yellow: 92, red: 88 };
  it('accepts a yellow limit inside the red one', () => expect(ThresholdsBodySchema.safeParse({ rules: [spo2] }).success).toBe(true));
  it.each([
    ['yellow outside red', { ...spo2, yellow: 85 }, 'must lie inside'],
    ['a unit that does not match the code', { ...spo2, unit: 'kg' }, 'measured in %'],
    ['no limit at all', { ...spo2, yellow: undefined, red: undefined }, 'set a yellow or a red'],
  ])('rejects %s', (_n, rule, fragment) => {
    const r = ThresholdsBodySchema.safeParse({ rules: [rule] });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(fragment);
  });
});
