import { bytesToHex, hexToBytes, TruncatedError } from '@tm/ieee11073';
import { DecodedReadingSchema } from '@tm/contracts';
import { decodeBloodPressureFeature, decodeBloodPressureMeasurement, decodeIntermediateCuffPressure } from './decoder';
import { encodeBloodPressureFeature, encodeBloodPressureMeasurement, encodeIntermediateCuffPressure, type BloodPressureRecord } from './encoder';
import { BLOOD_PRESSURE_FEATURE_FIXTURES as F, BLOOD_PRESSURE_MEASUREMENT_FIXTURES as M, INTERMEDIATE_CUFF_PRESSURE_FIXTURES as I } from './fixtures';
import { decoders } from './index';

const c = (code: string, value: number, unit = 'mm[Hg]') => ({ code, value, unit });

describe('blood pressure measurement (0x2A35)', () => {
  it.each([
    [
      M.nordicFull,
      {
        type: 'blood_pressure',
        components: [c('8480-6', 138), c('8462-4', 88), c('8478-0', 120), c('8867-4', 60, '/min')],
        deviceTime: null,
        userId: 1,
        flags: {
          pressureUnit: 'mm[Hg]',
          deviceClockNotSet: true,
          bodyMovement: true,
          cuffTooLoose: true,
          irregularPulse: true,
          pulseRateRange: 'within',
          improperPosition: true,
        },
      },
    ],
    [
      M.nordicKpa,
      {
        type: 'blood_pressure',
        components: [c('8480-6', 141.8), c('8462-4', 82.5), c('8478-0', 119.3), c('8867-4', 60, '/min')],
        deviceTime: null,
        userId: null,
        flags: { pressureUnit: 'kPa', bodyMovement: false, cuffTooLoose: true, irregularPulse: false, pulseRateRange: 'belowLower', improperPosition: false },
      },
    ],
    [
      M.nordicMinimal,
      { type: 'blood_pressure', components: [c('8480-6', 18.9), c('8462-4', 11), c('8478-0', 15.9)], deviceTime: null, userId: null, flags: { pressureUnit: 'mm[Hg]' } },
    ],
    [
      M.andUnknownUser,
      {
        type: 'blood_pressure',
        components: [c('8480-6', 142), c('8462-4', 82), c('8478-0', 106), c('8867-4', 72, '/min')],
        deviceTime: '2026-11-23T07:59:40',
        userId: null,
        flags: { pressureUnit: 'mm[Hg]' },
      },
    ],
    [
      M.irregularPulseOnly,
      {
        type: 'blood_pressure',
        components: [c('8480-6', 142), c('8462-4', 82), c('8478-0', 106), c('8867-4', 72, '/min')],
        deviceTime: '2026-11-23T07:59:40',
        userId: null,
        flags: { pressureUnit: 'mm[Hg]', bodyMovement: false, cuffTooLoose: false, irregularPulse: true, pulseRateRange: 'within', improperPosition: false },
      },
    ],
    [
      M.qardioNanMap,
      {
        type: 'blood_pressure',
        components: [c('8480-6', 120), c('8462-4', 80), c('8867-4', 75, '/min')],
        deviceTime: null,
        userId: null,
        flags: { pressureUnit: 'mm[Hg]', meanArterialUnavailable: 'nan' },
      },
    ],
    [
      M.nresPulse,
      {
        type: 'blood_pressure',
        components: [c('8480-6', 120), c('8462-4', 80), c('8478-0', 93)],
        deviceTime: null,
        userId: null,
        flags: { pressureUnit: 'mm[Hg]', pulseRateUnavailable: 'nres' },
      },
    ],
  ])('decodes $name ($source)', (fixture, expected) => {
    const decoded = decodeBloodPressureMeasurement(hexToBytes(fixture.hex));
    expect(decoded).toEqual(expected);
    expect(DecodedReadingSchema.parse(decoded)).toEqual(decoded);
  });

  it('never reports a NaN mean arterial pressure as 2047', () => {
    const decoded = decodeBloodPressureMeasurement(hexToBytes(M.qardioNanMap.hex));
    expect(decoded.components.map((x) => x.value)).not.toContain(2047);
  });

  it('names the missing field of a truncated value', () => {
    const attempt = () => decodeBloodPressureMeasurement(hexToBytes(M.truncated.hex));
    expect(attempt).toThrow(TruncatedError);
    expect(attempt).toThrow('blood pressure measurement: needs 2 bytes for mean arterial pressure at offset 5, got 0');
  });

  it('names a time stamp the flags promise but the value lacks', () => {
    expect(() => decodeBloodPressureMeasurement(hexToBytes('027800500060000a'))).toThrow('needs 7 bytes for time stamp at offset 7, got 1');
  });

  it('rejects an empty value', () => {
    expect(() => decodeBloodPressureMeasurement(new Uint8Array())).toThrow('blood pressure measurement: needs 1 byte for flags at offset 0, got 0');
  });

  it.each<[string, BloodPressureRecord]>([
    ['mm[Hg] with everything', { unit: 'mm[Hg]', systolic: 142, diastolic: 82, meanArterial: 106, timestamp: '2026-11-23T07:59:40', pulseRate: 72, userId: 2, status: { bodyMovement: false, cuffTooLoose: false, irregularPulse: true, pulseRateRange: 'exceedsUpper', improperPosition: false } }],
    ['kPa, unknown clock, NaN MAP', { unit: 'kPa', systolic: 18.9, diastolic: 11, meanArterial: { kind: 'nan' }, timestamp: null }],
  ])('round-trips %s through the encoder', (_name, record) => {
    const decoded = decodeBloodPressureMeasurement(encodeBloodPressureMeasurement(record));
    const sys = decoded.components.find((x) => x.code === '8480-6')?.value;
    expect(sys).toBe(record.unit === 'kPa' ? 141.8 : record.systolic);
    expect(decoded.deviceTime).toBe(record.timestamp ?? null);
    expect(decoded.userId).toBe(record.userId ?? null);
    if (record.status) expect(decoded.flags).toMatchObject(record.status);
  });

  it('reproduces the Nordic "full" bytes from its values', () => {
    const bytes = encodeBloodPressureMeasurement({
      unit: 'mm[Hg]',
      systolic: 138,
      diastolic: 88,
      meanArterial: 120,
      timestamp: null,
      pulseRate: 60,
      userId: 1,
      status: { bodyMovement: true, cuffTooLoose: true, irregularPulse: true, pulseRateRange: 'within', improperPosition: true },
    });
    // The Nordic vector keeps month/day with year 0; an unknown clock is encoded as all zeros.
    expect(bytesToHex(bytes)).toBe(['1e', '8a00', '5800', '7800', '00000000000000', '3c00', '01', '2700'].join(''));
  });
});

describe('intermediate cuff pressure (0x2A36)', () => {
  it.each([
    [I.inflating, { cuffPressure: 150, pressureUnit: 'mm[Hg]' }],
    [I.kpa, { cuffPressure: 150, pressureUnit: 'kPa' }],
  ])('decodes $name', (fixture, flags) => {
    const decoded = decodeIntermediateCuffPressure(hexToBytes(fixture.hex));
    expect(decoded.components).toEqual([]);
    expect(decoded.flags).toMatchObject({ ...flags, intermediate: true });
  });

  it('names the truncated field', () => {
    expect(() => decodeIntermediateCuffPressure(hexToBytes(I.truncated.hex))).toThrow('intermediate cuff pressure: needs 2 bytes for current cuff pressure at offset 1, got 1');
  });

  it('round-trips', () => {
    expect(decodeIntermediateCuffPressure(encodeIntermediateCuffPressure({ unit: 'mm[Hg]', cuffPressure: 87 })).flags.cuffPressure).toBe(87);
  });
});

describe('blood pressure feature (0x2A49)', () => {
  it('decodes every feature', () => {
    expect(Object.values(decodeBloodPressureFeature(hexToBytes(F.all.hex))).every(Boolean)).toBe(true);
  });

  it('decodes the A&D set', () => {
    expect(decodeBloodPressureFeature(hexToBytes(F.movementCuffIrregular.hex))).toEqual({
      bodyMovementDetection: true,
      cuffFitDetection: true,
      irregularPulseDetection: true,
      pulseRateRangeDetection: false,
      measurementPositionDetection: false,
      multipleBonds: false,
    });
  });

  it('rejects a one-byte value', () => {
    expect(() => decodeBloodPressureFeature(hexToBytes(F.truncated.hex))).toThrow('blood pressure feature: needs 2 bytes for feature bits at offset 0, got 1');
  });

  it('round-trips', () => {
    const f = decodeBloodPressureFeature(hexToBytes('2500'));
    expect(decodeBloodPressureFeature(encodeBloodPressureFeature(f))).toEqual(f);
  });
});

describe('decoder map', () => {
  it('decodes readings by characteristic', () => {
    expect(Object.keys(decoders).sort()).toEqual(['2a35', '2a36']);
  });
});
