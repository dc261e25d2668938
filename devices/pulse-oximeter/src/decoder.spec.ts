import { DecodedReadingSchema } from '@tm/contracts';
import { hexToBytes, TruncatedError } from '@tm/ieee11073';
import { decodeContinuousMeasurement, decodePlxFeatures, decodeSpotCheckMeasurement } from './decoder';
import { encodeContinuousMeasurement, encodePlxFeatures, encodeSpotCheckMeasurement } from './encoder';
import { CONTINUOUS_FIXTURES as C, FEATURES_FIXTURES as F, SPOT_CHECK_FIXTURES as S } from './fixtures';
import { decoders } from './index';

const spo2 = (value: number) => ({ code: '59408-5', value, unit: '%' });
const pulse = (value: number) => ({ code: '8867-4', value, unit: '/min' });

describe('PLX spot-check measurement (0x2A5E)', () => {
  it.each([
    [S.minimal, { type: 'pulse_oximetry', components: [spo2(97), pulse(72)], deviceTime: null, userId: null, flags: { signalQuality: 'unknown' } }],
    [
      S.full,
      {
        type: 'pulse_oximetry',
        components: [spo2(96), pulse(68)],
        deviceTime: '2026-11-23T08:00:00',
        userId: null,
        flags: { validatedData: true, pulseAmplitudeIndex: 5.2, signalQuality: 'good' },
      },
    ],
    [
      S.nanPoorSignal,
      {
        type: 'pulse_oximetry',
        components: [],
        deviceTime: null,
        userId: null,
        flags: { spo2Unavailable: 'nan', pulseRateUnavailable: 'nres', poorSignal: true, sensorDisplaced: true, signalQuality: 'poor' },
      },
    ],
    [
      S.clockNotSet,
      { type: 'pulse_oximetry', components: [spo2(96), pulse(68)], deviceTime: '2000-01-01T00:00:00', userId: null, flags: { signalQuality: 'unknown', deviceClockNotSet: true } },
    ],
    [
      S.clockNotSetPlausible,
      { type: 'pulse_oximetry', components: [spo2(96), pulse(68)], deviceTime: '2026-11-22T21:40:00', userId: null, flags: { signalQuality: 'unknown', deviceClockNotSet: true } },
    ],
    [
      S.questionableSensorDisplaced,
      {
        type: 'pulse_oximetry',
        components: [spo2(84), pulse(112)],
        deviceTime: null,
        userId: null,
        flags: { questionableMeasurement: true, sensorDisplaced: true, signalQuality: 'poor' },
      },
    ],
    [S.invalid, { type: 'pulse_oximetry', components: [spo2(80), pulse(60)], deviceTime: null, userId: null, flags: { invalidMeasurement: true, signalQuality: 'poor' } }],
    [S.testData, { type: 'pulse_oximetry', components: [spo2(97), pulse(72)], deviceTime: null, userId: null, flags: { dataForTesting: true, signalQuality: 'good' } }],
  ])('decodes $name ($source)', (fixture, expected) => {
    const decoded = decodeSpotCheckMeasurement(hexToBytes(fixture.hex));
    expect(decoded).toEqual(expected);
    expect(DecodedReadingSchema.parse(decoded)).toEqual(decoded);
  });

  it('names the truncated time stamp', () => {
    const attempt = () => decodeSpotCheckMeasurement(hexToBytes(S.truncated.hex));
    expect(attempt).toThrow(TruncatedError);
    expect(attempt).toThrow('PLX spot-check measurement: needs 7 bytes for time stamp at offset 5, got 2');
  });

  it('round-trips through the encoder', () => {
    const bytes = encodeSpotCheckMeasurement({
      spo2: 89,
      pulseRate: 101,
      timestamp: '2026-11-20T21:15:03',
      measurementStatus: ['dataFromMeasurementStorage'],
      deviceAndSensorStatus: ['lowPerfusion'],
      pulseAmplitudeIndex: 0.4,
    });
    expect(decodeSpotCheckMeasurement(bytes)).toEqual({
      type: 'pulse_oximetry',
      components: [spo2(89), pulse(101)],
      deviceTime: '2026-11-20T21:15:03',
      userId: null,
      flags: { dataFromMeasurementStorage: true, lowPerfusion: true, pulseAmplitudeIndex: 0.4, signalQuality: 'poor' },
    });
  });
});

describe('PLX continuous measurement (0x2A5F)', () => {
  it.each([
    [C.minimal, { components: [spo2(97), pulse(72)], flags: { continuous: true, signalQuality: 'unknown' } }],
    [
      C.full,
      {
        components: [spo2(95), pulse(70)],
        flags: { continuous: true, spo2Fast: 94, pulseRateFast: 71, spo2Slow: 95, pulseRateSlow: 69, pulseAmplitudeIndex: 3.1, signalQuality: 'good' },
      },
    ],
    [C.nanOngoing, { components: [], flags: { continuous: true, spo2Unavailable: 'nan', pulseRateUnavailable: 'nan', measurementOngoing: true, signalQuality: 'poor' } }],
  ])('decodes $name', (fixture, expected) => {
    expect(decodeContinuousMeasurement(hexToBytes(fixture.hex))).toEqual({ type: 'pulse_oximetry', deviceTime: null, userId: null, ...expected });
  });

  it('names the truncated fast value', () => {
    expect(() => decodeContinuousMeasurement(hexToBytes(C.truncated.hex))).toThrow('PLX continuous measurement: needs 2 bytes for SpO2 (fast) at offset 5, got 1');
  });

  it('round-trips through the encoder', () => {
    const bytes = encodeContinuousMeasurement({ spo2: 91, pulseRate: 88, slow: { spo2: 92, pulseRate: 87 }, deviceAndSensorStatus: [] });
    expect(decodeContinuousMeasurement(bytes)).toMatchObject({ components: [spo2(91), pulse(88)], flags: { spo2Slow: 92, pulseRateSlow: 87, signalQuality: 'good' } });
  });

  it('refuses an unknown status name when encoding', () => {
    expect(() => encodeContinuousMeasurement({ spo2: 91, pulseRate: 88, measurementStatus: ['sleepy'] })).toThrow('unknown status "sleepy"');
  });
});

describe('PLX features (0x2A60)', () => {
  it('decodes a device with no optional features', () => {
    expect(decodePlxFeatures(hexToBytes(F.none.hex))).toMatchObject({ spotCheckTimestamp: false, supportedMeasurementStatus: null, supportedDeviceAndSensorStatus: null });
  });

  it('decodes the support masks', () => {
    expect(decodePlxFeatures(hexToBytes(F.nonin3230Like.hex))).toEqual({
      measurementStatusSupport: true,
      deviceAndSensorStatusSupport: true,
      spotCheckMeasurementStorage: false,
      spotCheckTimestamp: true,
      spo2prFast: false,
      spo2prSlow: false,
      pulseAmplitudeIndex: true,
      multipleBonds: false,
      supportedMeasurementStatus: 0xe0a0,
      supportedDeviceAndSensorStatus: 0x3c,
    });
  });

  it('names the truncated support mask', () => {
    expect(() => decodePlxFeatures(hexToBytes(F.truncated.hex))).toThrow('PLX features: needs 3 bytes for device and sensor status support at offset 4, got 1');
  });

  it('round-trips', () => {
    const f = decodePlxFeatures(hexToBytes(F.nonin3230Like.hex));
    expect(decodePlxFeatures(encodePlxFeatures(f))).toEqual(f);
  });
});

describe('decoder map', () => {
  it('decodes readings by characteristic', () => {
    expect(Object.keys(decoders).sort()).toEqual(['2a5e', '2a5f']);
  });
});
