import type { DecodedReading } from '@tm/contracts';
import type { DeviceReading } from '@tm/ble';
import { hexToBytes } from '@tm/ieee11073';
import { decodeBloodPressureMeasurement, BLOOD_PRESSURE_MEASUREMENT_FIXTURES as BP } from '@tm/device-blood-pressure';
import { decodeSpotCheckMeasurement, SPOT_CHECK_FIXTURES as PLX } from '@tm/device-pulse-oximeter';
import { decodeHealthObservation, HEALTH_OBSERVATION_FIXTURES as GHS } from '@tm/device-spirometer';
import { decodeWeightMeasurement, encodeWeightMeasurement, SHARED_SCALE_FIXTURES as SHARED } from '@tm/device-weight-scale';
import type { DeviceBinding } from './config';
import { toMeasurement, toMeasurements, type Conversion } from './measurement';

const bpMonitor: DeviceBinding = { address: 'a4:c1:38:00:00:01', profile: 'blood-pressure', patientId: 'pt-006', bpUserSlots: { '1': 'pt-006', '2': 'pt-007' } };
const reading: DeviceReading = {
  type: 'blood_pressure',
  components: [
    { code: '8480-6', value: 142, unit: 'mm[Hg]' },
    { code: '8462-4', value: 88, unit: 'mm[Hg]' },
  ],
  deviceTime: '2026-11-23T07:59:40',
  userId: 1,
  flags: { irregularPulse: true },
  deviceId: 'UA651-0001',
  deviceModel: 'A&D UA-651BLE',
  deviceAddress: 'a4:c1:38:00:00:01',
};
const received = new Date('2026-11-23T08:00:00Z');
const ctx = { binding: bpMonitor, timeZone: 'Europe/Copenhagen', receivedAt: received, clockOffsetMs: null };

const device = (decoded: DecodedReading, deviceId: string, deviceModel: string): DeviceReading => ({ ...decoded, deviceId, deviceModel, deviceAddress: 'a0:d0:00:03:52:01' });
const measured = (c: Conversion) => {
  if (!c.ok) throw new Error(c.reason);
  return c.measurement;
};

describe('a device reading becomes a measurement', () => {
  it('for the patient in the user slot, at the device time in the home time zone', () => {
    expect(toMeasurement(reading, ctx)).toEqual({
      ok: true,
      measurement: expect.objectContaining({ patientId: 'pt-006', deviceId: 'UA651-0001', measuredAt: '2026-11-23T07:59:40+01:00', timeSource: 'device', flags: { irregularPulse: true } }),
    });
  });

  it('user slot 2 belongs to pt-007', () => {
    expect(measured(toMeasurement({ ...reading, userId: 2 }, ctx)).patientId).toBe('pt-007');
  });

  it('leaves out a guest measuring in an unbound user slot', () => {
    expect(toMeasurement({ ...reading, userId: 3 }, ctx)).toEqual({ ok: false, reason: expect.stringContaining('user slot 3') });
  });

  it('leaves out a reading on a shared monitor that does not say who took it', () => {
    expect(toMeasurement({ ...reading, userId: null }, ctx)).toEqual({ ok: false, reason: expect.stringContaining('unknown user') });
  });

  it('gives every reading of a device without user slots to its patient', () => {
    const single: DeviceBinding = { address: 'a4:c1:38:00:00:01', profile: 'blood-pressure', patientId: 'pt-006' };
    for (const userId of [null, 1, 2]) expect(measured(toMeasurement({ ...reading, userId }, { ...ctx, binding: single })).patientId).toBe('pt-006');
  });

  it('gets the same id when the device serves the record again next day', () => {
    const a = toMeasurement(reading, ctx);
    const b = toMeasurement(reading, { ...ctx, receivedAt: new Date('2026-11-24T08:00:00Z') });
    expect(a.ok && b.ok && a.measurement.id === b.measurement.id).toBe(true);
  });

  it('drops a reading whose values all decoded as NaN, with the reason', () => {
    expect(toMeasurement({ ...reading, components: [] }, ctx)).toEqual({ ok: false, reason: expect.stringContaining('Systolic') });
  });
});

describe('a scale shared by the patient and the spouse', () => {
  const scale: DeviceBinding = { address: 'a0:d0:00:03:52:01', profile: 'weight-scale', patientId: 'pt-006', bpUserSlots: { '1': 'pt-006' } };
  const weigh = (hex: string) => device(decodeWeightMeasurement(hexToBytes(hex)), '5130500456', 'A&D UC-352BLE');
  const morning = [SHARED.spouse, SHARED.patient, SHARED.unknownUser].map((f) => weigh(f.hex));

  it('gives the patient only her own 85 kg, not the spouse at 62 kg nor an unrecognised 71.4 kg', () => {
    const [spouse, patient, unknown] = toMeasurements(morning, { ...ctx, binding: scale });
    expect(spouse).toEqual({ ok: false, reason: expect.stringContaining('user slot 2 on 5130500456 is not bound to a patient') });
    expect(measured(patient!)).toMatchObject({ patientId: 'pt-006', measuredAt: '2026-11-23T07:05:00+01:00', timeSource: 'device', components: [{ code: '29463-7', value: 85, unit: 'kg' }] });
    expect(unknown).toEqual({ ok: false, reason: expect.stringContaining('unknown user') });
  });

  it('maps a second patient in the household to her own slot', () => {
    const two = { ...scale, bpUserSlots: { '1': 'pt-006', '2': 'pt-007' } };
    expect(toMeasurements(morning, { ...ctx, binding: two }).map((c) => (c.ok ? c.measurement.patientId : null))).toEqual(['pt-007', 'pt-006', null]);
  });
});

describe('a stamp from a clock nobody set', () => {
  const oximeter: DeviceBinding = { deviceId: '501234567', profile: 'pulse-oximeter', patientId: 'pt-001' };
  const spotCheck = device(decodeSpotCheckMeasurement(hexToBytes(PLX.clockNotSetPlausible.hex)), '501234567', 'Nonin 3230');
  const at = (iso: string) => ({ ...ctx, binding: oximeter, receivedAt: new Date(iso) });

  it('is not taken as the device time, even when it looks like last night (PLX "device clock not set")', () => {
    expect(measured(toMeasurement(spotCheck, at('2026-11-23T08:00:00Z')))).toMatchObject({
      measuredAt: '2026-11-23T09:00:00+01:00',
      timeSource: 'gateway',
      flags: { deviceClockNotSet: true, timeUncertain: true },
    });
  });

  it('keeps its id when downloaded again later', () => {
    expect(measured(toMeasurement(spotCheck, at('2026-11-24T08:00:00Z'))).id).toBe(measured(toMeasurement(spotCheck, at('2026-11-23T08:00:00Z'))).id);
  });

  it('a reading from a set clock is not marked', () => {
    const good = device(decodeSpotCheckMeasurement(hexToBytes(PLX.full.hex)), '501234567', 'Nonin 3230');
    expect(measured(toMeasurement(good, at('2026-11-23T07:10:00Z'))).flags).not.toHaveProperty('timeUncertain');
  });
});

describe('a week of weights kept by a scale whose clock was not set', () => {
  const scale: DeviceBinding = { address: 'a0:d0:00:03:52:01', profile: 'weight-scale', patientId: 'pt-006' };
  const week = [79.2, 79.5, 79.9, 80.4, 80.8, 81.1, 81.5].map((weightKg) =>
    device(decodeWeightMeasurement(encodeWeightMeasurement({ unit: 'kg', weightKg, timestamp: null, userId: 1 })), '5130500456', 'A&D UC-352BLE'),
  );
  const download = (iso: string) => toMeasurements(week, { ...ctx, binding: scale, receivedAt: new Date(iso) }).map(measured);

  it('keeps the order they were weighed in, and marks every time as uncertain', () => {
    const ms = download('2026-11-23T08:00:00Z');
    expect(ms.map((m) => m.components[0]?.value)).toEqual([79.2, 79.5, 79.9, 80.4, 80.8, 81.1, 81.5]);
    expect(ms.map((m) => m.measuredAt)).toEqual([...['54', '55', '56', '57', '58', '59'].map((s) => `2026-11-23T08:59:${s}+01:00`), '2026-11-23T09:00:00+01:00']);
    expect(ms.every((m) => m.timeSource === 'gateway' && m.flags?.timeUncertain === true && m.flags.deviceClockNotSet === true)).toBe(true);
  });

  it('gets the same ids when the scale serves them again the next day', () => {
    expect(download('2026-11-24T08:00:00Z').map((m) => m.id)).toEqual(download('2026-11-23T08:00:00Z').map((m) => m.id));
  });
});

describe('a device that sends no time at all', () => {
  const scale: DeviceBinding = { address: 'a0:d0:00:03:52:01', profile: 'weight-scale', patientId: 'pt-006' };
  const weight = (weightKg: number) => device(decodeWeightMeasurement(encodeWeightMeasurement({ unit: 'kg', weightKg })), '5130500456', 'Clockless scale');

  it('dates a single reading by its delivery, without doubt', () => {
    expect(measured(toMeasurement(weight(80.1), { ...ctx, binding: scale }))).toMatchObject({ measuredAt: '2026-11-23T09:00:00+01:00', timeSource: 'gateway' });
    expect(measured(toMeasurement(weight(80.1), { ...ctx, binding: scale })).flags).not.toHaveProperty('timeUncertain');
  });

  it('marks a backlog of several as uncertain, in order', () => {
    const ms = toMeasurements([weight(79.2), weight(80.0), weight(81.5)], { ...ctx, binding: scale }).map(measured);
    expect(ms.map((m) => [m.components[0]?.value, m.measuredAt, m.flags?.timeUncertain])).toEqual([
      [79.2, '2026-11-23T08:59:58+01:00', true],
      [80, '2026-11-23T08:59:59+01:00', true],
      [81.5, '2026-11-23T09:00:00+01:00', true],
    ]);
  });
});

describe('a spirometer keeping UTC (GHS)', () => {
  const spirometer: DeviceBinding = { deviceId: 'SP-000777', profile: 'spirometer', patientId: 'pt-001' };
  const afternoon = { ...ctx, binding: spirometer, receivedAt: new Date('2026-11-23T13:00:00Z') };

  it('is read as UTC, not as Copenhagen wall-clock time', () => {
    const r = device(decodeHealthObservation(hexToBytes(GHS.utcNoOffset.hex)), 'SP-000777', 'GHS Spirometer');
    expect(measured(toMeasurement(r, afternoon))).toMatchObject({ measuredAt: '2026-11-23T09:15:00+01:00', timeSource: 'device' });
  });

  it('does not trust a plausible stamp from a clock that was never synchronised', () => {
    const r = device(decodeHealthObservation(hexToBytes(GHS.clockNotSynchronized.hex)), 'SP-000777', 'GHS Spirometer');
    expect(measured(toMeasurement(r, afternoon))).toMatchObject({ timeSource: 'gateway', flags: { deviceClockNotSet: true, timeUncertain: true } });
  });
});

describe('what the device says about its own reading reaches the platform', () => {
  it.each<[string, DeviceBinding, DeviceReading, Record<string, unknown>]>([
    [
      'a cuff: body movement, cuff too loose, irregular pulse',
      { address: 'a4:c1:38:00:00:01', profile: 'blood-pressure', patientId: 'pt-006', bpUserSlots: { '1': 'pt-006' } },
      device(decodeBloodPressureMeasurement(hexToBytes(BP.nordicFull.hex)), 'UA651-0001', 'A&D UA-651BLE'),
      { bodyMovement: true, cuffTooLoose: true, irregularPulse: true, improperPosition: true },
    ],
    [
      'an oximeter: questionable, sensor displaced',
      { deviceId: '501234567', profile: 'pulse-oximeter', patientId: 'pt-001' },
      device(decodeSpotCheckMeasurement(hexToBytes(PLX.questionableSensorDisplaced.hex)), '501234567', 'Nonin 3230'),
      { questionableMeasurement: true, sensorDisplaced: true, signalQuality: 'poor' },
    ],
    [
      'a spirometer: questionable',
      { deviceId: 'SP-000777', profile: 'spirometer', patientId: 'pt-001' },
      device(decodeHealthObservation(hexToBytes(GHS.questionable.hex)), 'SP-000777', 'GHS Spirometer'),
      { questionableMeasurement: true },
    ],
  ])('%s', (_name, binding, r, flags) => {
    expect(measured(toMeasurement(r, { ...ctx, binding })).flags).toMatchObject(flags);
  });
});
