import { BleTimeoutError, createVirtualRadio, scan, type DeviceReading, type Peripheral } from '@tm/ble';
import type { ContinuousRecord, SpotCheckRecord } from './encoder';
import { pulseOximeterDriver, STABLE_SAMPLES, summarizeContinuous } from './driver';
import { PULSE_OXIMETER_PROFILE } from './profile';
import { simulatedPulseOximeter } from './simulated';

const GATEWAY_NOW = new Date('2026-11-23T07:00:00Z');
const options = { timeoutMs: 300, now: () => GATEWAY_NOW, clockWrite: true, listenMs: 60, timeZone: 'Europe/Copenhagen' };

/** A COPD patient's ten morning spot-checks, 1–10 November. */
const stored: SpotCheckRecord[] = Array.from({ length: 10 }, (_, i) => ({
  spo2: 95 - (i % 4),
  pulseRate: 70 + i,
  timestamp: `2026-11-${String(i + 1).padStart(2, '0')}T08:15:00`,
  measurementStatus: ['validatedData'],
  deviceAndSensorStatus: [],
}));

const good = (spo2: number, pulseRate: number): ContinuousRecord => ({ spo2, pulseRate, deviceAndSensorStatus: [], measurementStatus: [] });
const poor = (spo2: number): ContinuousRecord => ({ spo2, pulseRate: 120, deviceAndSensorStatus: ['lowPerfusion', 'questionablePulse'], measurementStatus: [] });

async function discover(sim: ReturnType<typeof simulatedPulseOximeter>): Promise<Peripheral> {
  const { noble } = createVirtualRadio([sim.peripheral]);
  const [peripheral] = await scan(noble, { serviceUuids: [PULSE_OXIMETER_PROFILE.service], durationMs: 200, until: () => true });
  return peripheral!;
}

const valueOf = (r: DeviceReading | undefined, code: string) => r?.components.find((c) => c.code === code)?.value;

describe('pulse oximeter driver on the virtual radio', () => {
  it('downloads 10 stored spot-checks, sets the clock and turns the stream into one stable reading', async () => {
    const stream = [poor(80), poor(84), ...[93, 94, 92, 93, 95, 93, 94, 93].map((s, i) => good(s, 72 + (i % 2))), good(91, 90)];
    const sim = simulatedPulseOximeter({ serial: 'NON-7', stored, clock: '2025-06-01T12:00:00', now: () => GATEWAY_NOW, continuous: stream, sampleIntervalMs: 2 });
    const result = await pulseOximeterDriver.readSession(await discover(sim), options);

    expect(result).toMatchObject({ deviceId: 'NON-7', deviceModel: 'Nonin 3230', battery: 80, deviceClock: '2025-06-01T12:00:00' });
    const spotChecks = result.readings.filter((r) => r.flags.continuous !== true);
    expect(spotChecks.map((r) => r.deviceTime)).toEqual(stored.map((r) => r.timestamp));
    expect(spotChecks.map((r) => valueOf(r, '59408-5'))).toEqual([95, 94, 93, 92, 95, 94, 93, 92, 95, 94]);
    const continuous = result.readings.filter((r) => r.flags.continuous === true);
    expect(continuous).toHaveLength(1);
    expect(continuous[0]).toMatchObject({
      deviceTime: null,
      components: [
        { code: '59408-5', value: 93, unit: '%' },
        { code: '8867-4', value: 72.5, unit: '/min' },
      ],
      flags: { continuous: true, signalQuality: 'good', samples: STABLE_SAMPLES },
    });
    expect(sim.clockWrites).toBe(1);
    expect(sim.deviceNow()).toBe('2026-11-23T08:00:00');
    expect(sim.peripheral.connected).toBe(false);
  });

  it('reads the same stored spot-checks identically twice', async () => {
    const sim = simulatedPulseOximeter({ stored });
    const peripheral = await discover(sim);
    const first = await pulseOximeterDriver.readSession(peripheral, options);
    const second = await pulseOximeterDriver.readSession(peripheral, options);
    expect(first.readings).toHaveLength(10);
    expect(second.readings).toEqual(first.readings);
  });

  it('indicates a spot-check taken while connected', async () => {
    const sim = simulatedPulseOximeter({ clock: null });
    const taken = sim.takeReading({ spo2: 89, pulseRate: 101 });
    const result = await pulseOximeterDriver.readSession(await discover(sim), options);
    expect(taken.deviceClockNotSet).toBe(true);
    expect(result.readings).toHaveLength(1);
    expect(result.readings[0]).toMatchObject({ deviceTime: null, flags: { deviceClockNotSet: true } });
    expect(valueOf(result.readings[0], '59408-5')).toBe(89);
  });

  it('times out on an absent oximeter', async () => {
    const sim = simulatedPulseOximeter();
    const peripheral = await discover(sim);
    sim.peripheral.present = false;
    await expect(pulseOximeterDriver.readSession(peripheral, { ...options, timeoutMs: 80 })).rejects.toThrow(BleTimeoutError);
  });
});

describe('continuous oximetry summary', () => {
  const reading = (spo2: number, quality: 'good' | 'poor'): DeviceReading => ({
    type: 'pulse_oximetry',
    components: [{ code: '59408-5', value: spo2, unit: '%' }],
    deviceTime: null,
    userId: null,
    flags: { continuous: true, signalQuality: quality },
    deviceId: 'd',
    deviceModel: 'm',
    deviceAddress: 'a',
  });

  it('makes no reading while the signal is poor', () => {
    expect(summarizeContinuous(Array.from({ length: 20 }, () => reading(85, 'poor')))).toBeNull();
  });

  it('makes no reading from a stable stretch shorter than needed', () => {
    expect(summarizeContinuous([...Array.from({ length: STABLE_SAMPLES - 1 }, () => reading(94, 'good'))])).toBeNull();
  });

  it('ignores good samples before the last poor one', () => {
    const samples = [...Array.from({ length: 10 }, () => reading(99, 'good')), reading(80, 'poor'), ...Array.from({ length: STABLE_SAMPLES }, () => reading(92, 'good'))];
    expect(summarizeContinuous(samples)?.components).toEqual([{ code: '59408-5', value: 92, unit: '%' }]);
  });
});
