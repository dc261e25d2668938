import { DecodedReadingSchema } from '@tm/contracts';
import { hexToBytes, TruncatedError } from '@tm/ieee11073';
import { decodeWeightMeasurement, decodeWeightScaleFeature } from './decoder';
import { encodeWeightMeasurement, encodeWeightScaleFeature, type WeightRecord } from './encoder';
import { SHARED_SCALE_FIXTURES as SHARED, WEIGHT_MEASUREMENT_FIXTURES as M, WEIGHT_SCALE_FEATURE_FIXTURES as F } from './fixtures';
import { decoders } from './index';

const kg = (value: number) => ({ code: '29463-7', value, unit: 'kg' });

describe('weight measurement (0x2A9D)', () => {
  it.each([
    [M.siMinimal, { type: 'body_weight', components: [kg(75.5)], deviceTime: null, userId: null, flags: { weightUnit: 'kg' } }],
    [M.siFull, { type: 'body_weight', components: [kg(82.35)], deviceTime: '2026-11-23T07:30:00', userId: 1, flags: { weightUnit: 'kg', bmi: 26.9, heightM: 1.75 } }],
    [M.imperialUnknownUser, { type: 'body_weight', components: [kg(81.647)], deviceTime: null, userId: null, flags: { weightUnit: 'lb', bmi: 25.1, heightM: 1.803 } }],
    [M.unsuccessful, { type: 'body_weight', components: [], deviceTime: '2026-11-23T07:30:00', userId: null, flags: { weightUnit: 'kg', measurementUnsuccessful: true } }],
    [M.speziUnsetClockUser1, { type: 'body_weight', components: [kg(23.2)], deviceTime: null, userId: 1, flags: { weightUnit: 'kg', deviceClockNotSet: true } }],
    [M.speziUnsetClockUser1Second, { type: 'body_weight', components: [kg(18)], deviceTime: null, userId: 1, flags: { weightUnit: 'kg', deviceClockNotSet: true } }],
  ])('decodes $name ($source)', (fixture, expected) => {
    const decoded = decodeWeightMeasurement(hexToBytes(fixture.hex));
    expect(decoded).toEqual(expected);
    expect(DecodedReadingSchema.parse(decoded)).toEqual(decoded);
  });

  it('names the truncated time stamp', () => {
    const attempt = () => decodeWeightMeasurement(hexToBytes(M.truncated.hex));
    expect(attempt).toThrow(TruncatedError);
    expect(attempt).toThrow('weight measurement: needs 7 bytes for time stamp at offset 3, got 2');
  });

  it('names a missing weight', () => {
    expect(() => decodeWeightMeasurement(hexToBytes('00fc'))).toThrow('weight measurement: needs 2 bytes for weight at offset 1, got 1');
  });

  it.each<[string, WeightRecord, number]>([
    ['SI 92.4 kg with everything', { unit: 'kg', weightKg: 92.4, timestamp: '2026-11-21T06:45:10', userId: 3, bmiAndHeight: { bmi: 30.2, heightM: 1.749 } }, 92.4],
    ['imperial 203.2 lb', { unit: 'lb', weightKg: 92.17, userId: 0xff }, 92.17],
  ])('round-trips %s', (_name, record, expectedKg) => {
    const decoded = decodeWeightMeasurement(encodeWeightMeasurement(record));
    expect(decoded.components[0]?.value).toBeCloseTo(expectedKg, 2);
    expect(decoded.deviceTime).toBe(record.timestamp ?? null);
    expect(decoded.userId).toBe(record.userId === 0xff ? null : (record.userId ?? null));
    if (record.bmiAndHeight) expect(decoded.flags).toMatchObject(record.bmiAndHeight);
  });

  it('round-trips an unsuccessful measurement', () => {
    expect(decodeWeightMeasurement(encodeWeightMeasurement({ unit: 'kg', weightKg: null })).flags.measurementUnsuccessful).toBe(true);
  });

  it('refuses a weight beyond 327 kg in SI units', () => {
    expect(() => encodeWeightMeasurement({ unit: 'kg', weightKg: 400 })).toThrow(/weight 400/);
  });
});

describe('a scale shared by the patient and the spouse', () => {
  it.each([
    [SHARED.spouse, 2, 62, '2026-11-23T07:02:00'],
    [SHARED.patient, 1, 85, '2026-11-23T07:05:00'],
    [SHARED.unknownUser, null, 71.4, '2026-11-23T07:09:00'],
  ])('tells $name apart by the user id ($source)', (fixture, userId, weight, deviceTime) => {
    expect(decodeWeightMeasurement(hexToBytes(fixture.hex))).toEqual({ type: 'body_weight', components: [kg(weight)], deviceTime, userId, flags: { weightUnit: 'kg' } });
  });

  it('round-trips the user id of each person', () => {
    for (const userId of [1, 2, 3])
      expect(decodeWeightMeasurement(encodeWeightMeasurement({ unit: 'kg', weightKg: 62, timestamp: '2026-11-23T07:02:00', userId })).userId).toBe(userId);
  });
});

describe('weight scale feature (0x2A9E)', () => {
  it('decodes a scale with no optional features', () => {
    expect(decodeWeightScaleFeature(hexToBytes(F.none.hex))).toEqual({ timestamp: false, multipleUsers: false, bmi: false, weightResolution: null, heightResolution: null });
  });

  it('decodes resolutions', () => {
    expect(decodeWeightScaleFeature(hexToBytes(F.full.hex))).toEqual({
      timestamp: true,
      multipleUsers: true,
      bmi: true,
      weightResolution: { kg: 0.005, lb: 0.01 },
      heightResolution: { m: 0.001, in: 0.1 },
    });
  });

  it('names the truncated value', () => {
    expect(() => decodeWeightScaleFeature(hexToBytes(F.truncated.hex))).toThrow('weight scale feature: needs 4 bytes for feature bits at offset 0, got 2');
  });

  it('rejects a reserved resolution', () => {
    expect(() => decodeWeightScaleFeature(hexToBytes('40000000'))).toThrow('weight resolution 8 is reserved');
  });

  it('round-trips', () => {
    const f = decodeWeightScaleFeature(hexToBytes(F.full.hex));
    expect(decodeWeightScaleFeature(encodeWeightScaleFeature(f))).toEqual(f);
  });
});

describe('decoder map', () => {
  it('decodes readings by characteristic', () => {
    expect(Object.keys(decoders)).toEqual(['2a9d']);
  });
});
