import { BleTimeoutError, createVirtualRadio, scan, type DeviceReading, type Peripheral } from '@tm/ble';
import { spirometerDriver } from './driver';
import { SPIROMETER_PROFILE } from './profile';
import { simulatedSpirometer, type SpirometryRecord } from './simulated';

const GATEWAY_NOW = new Date('2026-11-23T07:00:00Z');
const options = { timeoutMs: 300, now: () => GATEWAY_NOW, clockWrite: true, listenMs: 40, timeZone: 'Europe/Copenhagen' };

/** A COPD patient's FEV1 falling 0.05 L a day before an exacerbation, ten mornings. */
const stored: SpirometryRecord[] = Array.from({ length: 10 }, (_, i) => ({
  fev1L: Math.round((1.8 - 0.05 * i) * 100) / 100,
  fvcL: 3.1,
  pefLPerMin: 300 - 5 * i,
  timestamp: `2026-11-${String(i + 1).padStart(2, '0')}T09:00:00`,
}));

async function discover(sim: ReturnType<typeof simulatedSpirometer>): Promise<Peripheral> {
  const { noble } = createVirtualRadio([sim.peripheral]);
  const [peripheral] = await scan(noble, { serviceUuids: [SPIROMETER_PROFILE.service], durationMs: 200, until: () => true });
  return peripheral!;
}

const valueOf = (r: DeviceReading | undefined, code: string) => r?.components.find((c) => c.code === code)?.value;

describe('spirometer driver on the virtual radio', () => {
  it('reassembles 10 segmented stored observations from RACP and a live one, sets the clock, disconnects', async () => {
    const sim = simulatedSpirometer({ serial: 'SP-1', stored, clock: null, now: () => GATEWAY_NOW });
    sim.takeReading({ fev1L: 1.2, fvcL: 2.9, pefLPerMin: 210 });
    const result = await spirometerDriver.readSession(await discover(sim), options);

    expect(result).toMatchObject({ deviceId: 'SP-1', deviceModel: 'GHS Spirometer', battery: 70, deviceClock: null });
    expect(result.readings).toHaveLength(11);
    expect(result.readings[0]).toMatchObject({
      type: 'spirometry',
      deviceTime: null,
      components: [
        { code: '20150-9', value: 1.2, unit: 'L' },
        { code: '19868-9', value: 2.9, unit: 'L' },
        { code: '19926-5', value: 41.4, unit: '%' },
        { code: '19935-6', value: 210, unit: 'L/min' },
      ],
    });
    const fromMemory = result.readings.slice(1);
    expect(fromMemory.map((r) => r.deviceTime)).toEqual(stored.map((r) => r.timestamp));
    expect(fromMemory.map((r) => valueOf(r, '20150-9'))).toEqual(stored.map((r) => r.fev1L));
    expect(fromMemory.map((r) => valueOf(r, '19935-6'))).toEqual([300, 295, 290, 285, 280, 275, 270, 265, 260, 255]);
    expect(result.undecodable).toBeUndefined();
    expect(sim.clockWrites).toBe(1);
    expect(sim.deviceNow()).toBe('2026-11-23T08:00:00');
    expect(sim.peripheral.connected).toBe(false);
  });

  it('reads the same stored observations identically twice', async () => {
    const sim = simulatedSpirometer({ stored });
    const peripheral = await discover(sim);
    const first = await spirometerDriver.readSession(peripheral, options);
    const second = await spirometerDriver.readSession(peripheral, options);
    expect(first.readings).toHaveLength(10);
    expect(second.readings).toEqual(first.readings);
  });

  it('times out on an absent spirometer', async () => {
    const sim = simulatedSpirometer();
    const peripheral = await discover(sim);
    sim.peripheral.present = false;
    await expect(spirometerDriver.readSession(peripheral, { ...options, timeoutMs: 80 })).rejects.toThrow(BleTimeoutError);
  });
});
