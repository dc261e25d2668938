import type { DeviceReading } from '@tm/ble';
import type { DeviceBinding } from './config';
import { toMeasurement } from './measurement';

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
const ctx = { binding: bpMonitor, timeZone: 'Europe/Copenhagen', receivedAt: new Date('2026-11-23T08:00:00Z'), clockOffsetMs: null };

describe('a device reading becomes a measurement', () => {
  it('for the patient in the user slot, at the device time in the home time zone', () => {
    expect(toMeasurement(reading, ctx)).toEqual({
      ok: true,
      measurement: expect.objectContaining({ patientId: 'pt-006', deviceId: 'UA651-0001', measuredAt: '2026-11-23T07:59:40+01:00', timeSource: 'device', flags: { irregularPulse: true } }),
    });
  });

  it.each([
    [2, 'pt-007'],
    [null, 'pt-006'],
  ])('user slot %s belongs to %s', (userId, patientId) => {
    const r = toMeasurement({ ...reading, userId }, ctx);
    expect(r.ok && r.measurement.patientId).toBe(patientId);
  });

  it('leaves out a guest measuring in an unbound user slot', () => {
    expect(toMeasurement({ ...reading, userId: 3 }, ctx)).toEqual({ ok: false, reason: expect.stringContaining('user slot 3') });
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
