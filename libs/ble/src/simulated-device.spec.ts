import { parseRacpResponse, racpReportRecordsFromSequence } from '@tm/ieee11073';
import { scan, withGattSession } from './gatt';
import { readProfileSession } from './profile-session';
import { SimulatedHealthDevice } from './simulated-device';
import { createVirtualRadio } from './virtual-radio';

/** A one-byte "record" device: enough to exercise the RACP server and the clock without a profile. */
function counterDevice(stored: number[], now = () => new Date('2026-11-23T07:00:00Z')) {
  return new SimulatedHealthDevice<number>({
    address: '11:22:33:44:55:66',
    localName: 'Counter',
    model: 'C-1',
    manufacturer: 'Test',
    serial: '',
    battery: 50,
    service: '1810',
    measurementUuid: '2a35',
    racp: true,
    clockCharacteristic: '2a2b',
    clock: '2026-11-23T06:00:00',
    now,
    encode: (n) => Uint8Array.of(n),
    stamp: (n) => n,
    stored,
  });
}

async function session<T>(device: SimulatedHealthDevice<number>, work: Parameters<typeof withGattSession<T>>[2]): Promise<T> {
  const { noble } = createVirtualRadio([device.peripheral]);
  const [peripheral] = await scan(noble, { serviceUuids: ['1810'], durationMs: 200, until: () => true });
  return withGattSession(peripheral!, 300, work);
}

describe('simulated health device', () => {
  it('reports the number of stored records', async () => {
    expect(await session(counterDevice([1, 2, 3]), (s) => s.racpCount())).toBe(3);
  });

  it('serves records from a sequence number and answers an empty memory with "no records found"', async () => {
    const device = counterDevice([10, 20, 30]);
    const fromSecond = await session(device, (s) => s.racp(racpReportRecordsFromSequence(2), ['2a35']));
    expect(fromSecond.records.map((r) => r.data[0])).toEqual([20, 30]);
    expect(await session(counterDevice([]), (s) => s.racpReportAll(['2a35']))).toEqual([]);
  });

  it('refuses an op code it does not know with the RACP response code', async () => {
    const { response } = await session(counterDevice([1]), (s) => s.racp(Uint8Array.of(0x09, 0x01), ['2a35']));
    expect(parseRacpResponse(response)).toMatchObject({ kind: 'response', requestOpCode: 0x09, codeName: 'opCodeNotSupported' });
  });

  it('runs its clock from what the gateway wrote', async () => {
    let t = new Date('2026-11-23T07:00:00Z');
    const device = counterDevice([], () => t);
    const before = await session(device, async (s) => {
      const read = await s.readCurrentTime();
      await s.writeClock(new Date('2026-11-23T07:00:00Z'), 'UTC');
      return read;
    });
    t = new Date('2026-11-23T07:01:30Z');
    expect(before).toBe('2026-11-23T06:00:00');
    expect(device.deviceNow()).toBe('2026-11-23T07:01:30');
    expect(device.clockWrites).toBe(1);
  });

  it('ends a session early, with what it read, when the device hangs up after sending (A&D habit)', async () => {
    const device = counterDevice([]);
    device.takeReading(7);
    const { noble } = createVirtualRadio([device.peripheral]);
    const [peripheral] = await scan(noble, { serviceUuids: ['1810'], durationMs: 200, until: () => true });
    setTimeout(() => device.peripheral.disconnect(), 50);
    const started = Date.now();
    const result = await readProfileSession(peripheral!, { timeoutMs: 300, now: () => new Date(), clockWrite: false, listenMs: 10_000 }, {
      defaultModel: 'Counter',
      measurementUuids: ['2a35'],
      decode: (_uuid, data) => ({ type: 'body_weight', components: [{ code: '29463-7', value: data[0]!, unit: 'kg' }], deviceTime: null, userId: null, flags: {} }),
      racp: false,
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.readings.map((r) => r.components[0]?.value)).toEqual([7]);
    expect(result.deviceId).toBe('11:22:33:44:55:66');
  });
});
