import { BleTimeoutError, createVirtualRadio, scan, type Peripheral } from '@tm/ble';
import type { BloodPressureRecord } from './encoder';
import { bloodPressureDriver } from './driver';
import { BLOOD_PRESSURE_PROFILE } from './profile';
import { simulatedBloodPressureMonitor } from './simulated';

const GATEWAY_NOW = new Date('2026-11-23T07:00:00Z'); // 08:00:00 in Copenhagen
const options = { timeoutMs: 300, now: () => GATEWAY_NOW, clockWrite: true, listenMs: 40, timeZone: 'Europe/Copenhagen' };

/** Ten morning readings from the patient's memory, 1–10 November, stamped by the cuff. */
const stored: BloodPressureRecord[] = Array.from({ length: 10 }, (_, i) => ({
  unit: 'mm[Hg]',
  systolic: 130 + i,
  diastolic: 80 + (i % 3),
  meanArterial: 97 + i,
  pulseRate: 64 + i,
  userId: 1,
  timestamp: `2026-11-${String(i + 1).padStart(2, '0')}T07:30:00`,
  status: { bodyMovement: false, cuffTooLoose: false, irregularPulse: i === 4, pulseRateRange: 'within', improperPosition: false },
}));

async function discover(sim: ReturnType<typeof simulatedBloodPressureMonitor>): Promise<Peripheral> {
  const { noble } = createVirtualRadio([sim.peripheral]);
  const [peripheral] = await scan(noble, { serviceUuids: [BLOOD_PRESSURE_PROFILE.service], durationMs: 200, until: () => true });
  return peripheral!;
}

describe('blood pressure driver on the virtual radio', () => {
  it('downloads 10 stored readings and the new one, sets the wrong cuff clock, and disconnects', async () => {
    const sim = simulatedBloodPressureMonitor({ serial: 'AD-0001', battery: 77, stored, clock: '2026-01-01T00:00:00', now: () => GATEWAY_NOW });
    sim.takeReading({ unit: 'mm[Hg]', systolic: 182, diastolic: 95, meanArterial: 124, pulseRate: 88, userId: 1 });
    const peripheral = await discover(sim);

    const result = await bloodPressureDriver.readSession(peripheral, options);

    expect(result).toMatchObject({ deviceId: 'AD-0001', deviceModel: 'A&D UA-651BLE', battery: 77, deviceClock: '2026-01-01T00:00:00' });
    expect(result.readings).toHaveLength(11);
    expect(result.readings[0]).toEqual({
      type: 'blood_pressure',
      deviceId: 'AD-0001',
      deviceModel: 'A&D UA-651BLE',
      deviceAddress: 'a0:d0:00:00:06:51',
      deviceTime: '2026-01-01T00:00:00',
      userId: 1,
      components: [
        { code: '8480-6', value: 182, unit: 'mm[Hg]' },
        { code: '8462-4', value: 95, unit: 'mm[Hg]' },
        { code: '8478-0', value: 124, unit: 'mm[Hg]' },
        { code: '8867-4', value: 88, unit: '/min' },
      ],
      flags: { pressureUnit: 'mm[Hg]' },
    });
    const storedReadings = result.readings.slice(1);
    expect(storedReadings.map((r) => r.deviceTime)).toEqual(stored.map((r) => r.timestamp));
    expect(storedReadings.map((r) => r.components.find((c) => c.code === '8480-6')?.value)).toEqual([130, 131, 132, 133, 134, 135, 136, 137, 138, 139]);
    expect(storedReadings[4]!.flags).toMatchObject({ irregularPulse: true });
    expect(sim.clockWrites).toBe(1);
    expect(sim.deviceNow()).toBe('2026-11-23T08:00:00');
    expect(sim.peripheral.connected).toBe(false);
  });

  it('reads the same stored records identically the next day', async () => {
    const sim = simulatedBloodPressureMonitor({ stored, now: () => GATEWAY_NOW });
    const peripheral = await discover(sim);
    const first = await bloodPressureDriver.readSession(peripheral, options);
    const second = await bloodPressureDriver.readSession(peripheral, { ...options, now: () => new Date('2026-11-24T07:00:00Z') });
    expect(second.readings).toEqual(first.readings);
    expect(first.readings).toHaveLength(10);
    expect(sim.clockWrites).toBe(2);
  });

  it('leaves the clock alone when told not to write it', async () => {
    const sim = simulatedBloodPressureMonitor({ clock: null, now: () => GATEWAY_NOW });
    const result = await bloodPressureDriver.readSession(await discover(sim), { ...options, clockWrite: false });
    expect(result.deviceClock).toBeNull();
    expect(sim.clockWrites).toBe(0);
    expect(result.readings).toEqual([]);
  });

  it('gives up on an absent cuff with a timeout naming the device', async () => {
    const sim = simulatedBloodPressureMonitor({ stored });
    const peripheral = await discover(sim);
    sim.peripheral.present = false;
    const session = bloodPressureDriver.readSession(peripheral, { ...options, timeoutMs: 100 });
    await expect(session).rejects.toThrow(BleTimeoutError);
    await expect(session).rejects.toThrow('connect to device a0:d0:00:00:06:51 did not complete within 100 ms');
  });
});
