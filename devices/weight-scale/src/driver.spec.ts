import { BleTimeoutError, createVirtualRadio, scan, type Peripheral } from '@tm/ble';
import type { WeightRecord } from './encoder';
import { weightScaleDriver } from './driver';
import { WEIGHT_SCALE_PROFILE } from './profile';
import { simulatedWeightScale } from './simulated';

const GATEWAY_NOW = new Date('2026-11-23T07:00:00Z');
const options = { timeoutMs: 300, now: () => GATEWAY_NOW, clockWrite: true, listenMs: 40, timeZone: 'Europe/Copenhagen' };

/** A heart-failure patient creeping up 0.3 kg a day over ten mornings, half of them weighed in lb. */
const undelivered: WeightRecord[] = Array.from({ length: 10 }, (_, i) => ({
  unit: i % 2 === 0 ? 'kg' : 'lb',
  weightKg: 82 + 0.3 * i,
  timestamp: `2026-11-${String(i + 1).padStart(2, '0')}T07:05:00`,
}));

async function discover(sim: ReturnType<typeof simulatedWeightScale>): Promise<Peripheral> {
  const { noble } = createVirtualRadio([sim.peripheral]);
  const [peripheral] = await scan(noble, { serviceUuids: [WEIGHT_SCALE_PROFILE.service], durationMs: 200, until: () => true });
  return peripheral!;
}

const weights = (readings: Array<{ components: Array<{ code: string; value: number }> }>) =>
  readings.map((r) => Math.round((r.components.find((c) => c.code === '29463-7')?.value ?? NaN) * 100) / 100);

describe('weight scale driver on the virtual radio', () => {
  it('receives the 10 undelivered readings and a new one as indications, sets the clock, disconnects', async () => {
    const sim = simulatedWeightScale({ serial: 'UC-9', stored: undelivered, clock: '2000-01-01T00:00:00', now: () => GATEWAY_NOW });
    sim.takeReading({ unit: 'kg', weightKg: 85.4 });
    const result = await weightScaleDriver.readSession(await discover(sim), options);

    expect(result).toMatchObject({ deviceId: 'UC-9', deviceModel: 'A&D UC-352BLE', battery: 95, deviceClock: '2000-01-01T00:00:00' });
    expect(result.readings).toHaveLength(11);
    expect(result.readings.slice(0, 10).map((r) => r.deviceTime)).toEqual(undelivered.map((r) => r.timestamp));
    expect(weights(result.readings)).toEqual([82, 82.3, 82.6, 82.9, 83.2, 83.5, 83.8, 84.1, 84.4, 84.7, 85.4]);
    expect(result.readings.every((r) => r.type === 'body_weight' && r.components[0]?.unit === 'kg')).toBe(true);
    expect(result.readings[10]!.deviceTime).toBe('2000-01-01T00:00:00');
    expect(sim.deviceNow()).toBe('2026-11-23T08:00:00');
    expect(sim.peripheral.connected).toBe(false);

    const next = await weightScaleDriver.readSession(await discover(sim), options);
    expect(next.readings).toEqual([]);
  });

  it('reads the same undelivered readings identically when served again', async () => {
    const first = await weightScaleDriver.readSession(await discover(simulatedWeightScale({ stored: undelivered })), options);
    const again = await weightScaleDriver.readSession(await discover(simulatedWeightScale({ stored: undelivered })), options);
    expect(first.readings).toHaveLength(10);
    expect(again.readings).toEqual(first.readings);
  });

  it('times out on an absent scale', async () => {
    const sim = simulatedWeightScale();
    const peripheral = await discover(sim);
    sim.peripheral.present = false;
    await expect(weightScaleDriver.readSession(peripheral, { ...options, timeoutMs: 80 })).rejects.toThrow(BleTimeoutError);
  });
});
