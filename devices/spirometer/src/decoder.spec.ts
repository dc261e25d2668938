import { DecodedReadingSchema } from '@tm/contracts';
import { bytesToHex, hexToBytes, TruncatedError } from '@tm/ieee11073';
import { decodeHealthObservation, decodeHealthSensorFeatures, decodeObservationBody, HealthObservationAssembler } from './decoder';
import { encodeHealthSensorFeatures, encodeNumericObservation, encodeObservationBundle, segmentObservation } from './encoder';
import { HEALTH_OBSERVATION_FIXTURES as O, HEALTH_SENSOR_FEATURES_FIXTURES as F } from './fixtures';
import { decoders } from './index';
import { MDC_OBSERVATION, MDC_UNIT } from './profile';

const fev1 = (value: number) => ({ code: '20150-9', value, unit: 'L' });
const fvc = (value: number) => ({ code: '19868-9', value, unit: 'L' });
const ratio = (value: number) => ({ code: '19926-5', value, unit: '%' });
const pef = (value: number) => ({ code: '19935-6', value, unit: 'L/min' });

describe('health observation (GHS 0x2B8B / 0x2BDD)', () => {
  it.each([
    [O.fev1Local, { components: [fev1(2.85)], deviceTime: '2026-11-23T09:15:00', userId: null, flags: {} }],
    [
      O.bundleUtcOffset,
      { components: [fev1(1.62), fvc(2.9), ratio(55.9), pef(240)], deviceTime: '2026-11-23T08:15:00', userId: 1, flags: { deviceTimeIsUtc: true, deviceUtcOffsetMinutes: 60 } },
    ],
    [O.utcNoOffset, { components: [fev1(2.85)], deviceTime: '2026-11-23T08:15:00', userId: null, flags: { deviceTimeIsUtc: true } }],
    [O.clockNotSynchronized, { components: [fev1(1.95)], deviceTime: '2026-11-22T19:30:00', userId: null, flags: { deviceTimeIsUtc: true, deviceClockNotSet: true } }],
    [O.previousTimeline, { components: [fev1(2.1)], deviceTime: '2026-11-20T08:00:00', userId: null, flags: { deviceTimeIsUtc: true, previousTimeline: true } }],
    [O.questionable, { components: [fev1(0.9)], deviceTime: null, userId: null, flags: { measurementStatusRaw: 2, questionableMeasurement: true } }],
    [O.pefLitresPerSecond, { components: [pef(330)], deviceTime: null, userId: null, flags: {} }],
    [O.fev1Nan, { components: [], deviceTime: null, userId: null, flags: { FEV1Unavailable: 'nan' } }],
    [O.fvcMillilitresUnknownPatient, { components: [fvc(3.12)], deviceTime: null, userId: null, flags: {} }],
    [O.ratioFraction, { components: [ratio(72)], deviceTime: null, userId: null, flags: {} }],
  ])('decodes $name ($source)', (fixture, expected) => {
    const decoded = decodeHealthObservation(hexToBytes(fixture.hex));
    expect(decoded).toEqual({ type: 'spirometry', ...expected });
    expect(DecodedReadingSchema.parse(decoded)).toEqual(decoded);
  });

  it('carries the MDC code of FEV1 little-endian (152586 = 0x0002540A)', () => {
    expect(O.fev1Local.hex.slice(12, 20)).toBe('0a540200');
  });

  it('names the truncated field', () => {
    const attempt = () => decodeHealthObservation(hexToBytes(O.truncated.hex));
    expect(attempt).toThrow('health observation: observation at offset 0 announces 26 bytes, only 24 follow');
    const body = hexToBytes(O.truncated.hex).subarray(1);
    const patched = body.slice();
    patched[1] = 24;
    expect(() => decodeObservationBody(patched)).toThrow(TruncatedError);
    expect(() => decodeObservationBody(patched)).toThrow('health observation: needs 4 bytes for value at offset 22, got 2');
  });

  it('asks for reassembly of a partial segment', () => {
    expect(() => decodeHealthObservation(hexToBytes('01001a00'))).toThrow(/reassemble the segments/);
  });

  it('rejects an unsupported observation class', () => {
    expect(() => decodeHealthObservation(hexToBytes('03030500 0000'))).toThrow('class type 0x03 is not supported');
  });

  it('rejects a unit it cannot convert', () => {
    const body = encodeNumericObservation({ observationType: MDC_OBSERVATION.pef, unitCode: MDC_UNIT.litre, value: 5 });
    expect(() => decodeObservationBody(body)).toThrow('PEF in MDC unit 1600 cannot be converted to L/min');
  });

  it('keeps unknown observation types out of the components, and says so', () => {
    const body = encodeNumericObservation({ observationType: 188964, unitCode: MDC_UNIT.litrePerSecond, value: 2.1 });
    expect(decodeObservationBody(body)).toMatchObject({ components: [], flags: { unmappedObservationTypes: '188964' } });
  });

  it('reassembles a bundle split over 20-byte notifications', () => {
    const body = encodeObservationBundle({
      timestamp: { local: '2026-11-20T18:02:11' },
      observations: [
        { observationType: MDC_OBSERVATION.fev1, unitCode: MDC_UNIT.litre, value: 1.48 },
        { observationType: MDC_OBSERVATION.pef, unitCode: MDC_UNIT.litrePerMinute, value: 210 },
      ],
    });
    const segments = segmentObservation(body, 20, 62);
    expect(segments.length).toBeGreaterThan(2);
    const assembler = new HealthObservationAssembler();
    const results = segments.map((s) => assembler.push(s));
    expect(results.slice(0, -1).every((x) => x === null)).toBe(true);
    expect(decodeObservationBody(results.at(-1)!)).toEqual({ type: 'spirometry', components: [fev1(1.48), pef(210)], deviceTime: '2026-11-20T18:02:11', userId: null, flags: {} });
  });

  it('reads a local time sent with its offset as the instant it is', () => {
    const body = encodeNumericObservation({ observationType: MDC_OBSERVATION.fev1, unitCode: MDC_UNIT.litre, value: 2, timestamp: { local: '2026-07-01T09:00:00', utcOffsetMinutes: 120 } });
    expect(decodeObservationBody(body)).toMatchObject({ deviceTime: '2026-07-01T07:00:00', flags: { deviceTimeIsUtc: true, deviceUtcOffsetMinutes: 120 } });
  });

  it('keeps a doubt about one member of a bundle as a doubt about the test', () => {
    const body = encodeObservationBundle({
      observations: [
        { observationType: MDC_OBSERVATION.fev1, unitCode: MDC_UNIT.litre, value: 1.1, measurementStatus: ['invalidMeasurement'] },
        { observationType: MDC_OBSERVATION.pef, unitCode: MDC_UNIT.litrePerMinute, value: 180 },
      ],
    });
    expect(decodeObservationBody(body).flags).toEqual({ measurementStatusRaw: 1, invalidMeasurement: true });
  });

  it.each([
    [['dataForTesting'], { measurementStatusRaw: 16, dataForTesting: true }],
    [['earlyEstimatedData'], { measurementStatusRaw: 32, earlyEstimatedData: true }],
    [['manuallyEntered'], { measurementStatusRaw: 64, manuallyEntered: true }],
  ])('names measurement status %j', (measurementStatus, flags) => {
    const body = encodeNumericObservation({ observationType: MDC_OBSERVATION.fev1, unitCode: MDC_UNIT.litre, value: 2, measurementStatus });
    expect(decodeObservationBody(body).flags).toEqual(flags);
  });

  it('lists status bits it has no name for', () => {
    const body = hexToBytes('0300130009000a540200004040060000090000ff').subarray(1);
    expect(decodeObservationBody(body).flags).toEqual({ measurementStatusRaw: 0x4000, measurementStatusOtherBits: '14' });
  });

  it('drops an observation whose segments arrive out of order', () => {
    const segments = segmentObservation(encodeObservationBundle({ observations: [{ observationType: MDC_OBSERVATION.fev1, unitCode: MDC_UNIT.litre, value: 2 }, { observationType: MDC_OBSERVATION.fvc, unitCode: MDC_UNIT.litre, value: 3 }] }), 10);
    const assembler = new HealthObservationAssembler();
    assembler.push(segments[0]!);
    expect(() => assembler.push(segments[2]!)).toThrow(/out of order/);
  });

  it('reproduces the fixture bytes from values (encoder and decoder agree)', () => {
    const body = encodeNumericObservation({ observationType: MDC_OBSERVATION.fev1, unitCode: MDC_UNIT.litre, value: 2.85, timestamp: { local: '2026-11-23T09:15:00' } });
    expect(bytesToHex(segmentObservation(body, 200)[0]!)).toBe(O.fev1Local.hex);
  });
});

describe('health sensor features (0x2BF3)', () => {
  it('decodes the supported observation types', () => {
    expect(decodeHealthSensorFeatures(hexToBytes(F.spirometer.hex))).toEqual({
      supportedObservationTypes: [MDC_OBSERVATION.fev1, MDC_OBSERVATION.fvc, MDC_OBSERVATION.fev1FvcRatio, MDC_OBSERVATION.pef],
    });
    expect(decodeHealthSensorFeatures(hexToBytes(F.none.hex))).toEqual({ supportedObservationTypes: [] });
  });

  it('names the missing type', () => {
    expect(() => decodeHealthSensorFeatures(hexToBytes(F.truncated.hex))).toThrow('health sensor features: needs 4 bytes for observation type 2 at offset 6, got 0');
  });

  it('round-trips', () => {
    const f = { supportedObservationTypes: [MDC_OBSERVATION.pef] };
    expect(decodeHealthSensorFeatures(encodeHealthSensorFeatures(f))).toEqual(f);
  });
});

describe('decoder map', () => {
  it('decodes live and stored observations', () => {
    expect(Object.keys(decoders).sort()).toEqual(['2b8b', '2bdd']);
  });
});
