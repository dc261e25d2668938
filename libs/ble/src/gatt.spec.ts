import { BluetoothUnavailableError, BleError, BleTimeoutError } from './errors';
import { GATT, GattSession, scan, withGattSession, withTimeout } from './gatt';
import { loadNoble, type Peripheral } from './load-noble';
import { normalizeUuid } from './uuid';
import { createVirtualRadio, VirtualPeripheral } from './virtual-radio';

const THERMO_SERVICE = '1809';
const TEMPERATURE = '2a1c';

/** A tiny thermometer: a stored log served over a toy RACP (op 0x01 = send all; it ignores every other op). */
function thermometer(log: number[], extra: Partial<{ serial: string }> = {}): VirtualPeripheral {
  const p: VirtualPeripheral = new VirtualPeripheral({
    address: 'C0:FF:EE:00:00:01',
    localName: 'Thermo',
    rssi: -48,
    services: [
      {
        uuid: THERMO_SERVICE,
        characteristics: [
          { uuid: TEMPERATURE, properties: ['indicate'] },
          {
            uuid: GATT.racp,
            properties: ['write', 'indicate'],
            onWrite: (data) => {
              if (data[0] !== 0x01) return;
              for (const v of log) p.send(TEMPERATURE, Uint8Array.of(v));
              p.send(GATT.racp, Uint8Array.of(0x06, 0x00, 0x01, 0x01));
            },
          },
        ],
      },
      { uuid: GATT.batteryService, characteristics: [{ uuid: GATT.batteryLevel, properties: ['read'], onRead: () => Uint8Array.of(87) }] },
      {
        uuid: GATT.deviceInformation,
        characteristics: [
          ...(extra.serial ? [{ uuid: GATT.serialNumber, properties: ['read' as const], onRead: () => new TextEncoder().encode(`${extra.serial}\0`) }] : []),
          { uuid: GATT.modelNumber, properties: ['read'], onRead: () => new TextEncoder().encode('TH-1') },
        ],
      },
    ],
  });
  return p;
}

async function discoverOne(device: VirtualPeripheral): Promise<{ peripheral: Peripheral; radio: ReturnType<typeof createVirtualRadio> }> {
  const radio = createVirtualRadio([device]);
  const [peripheral] = await scan(radio.noble, { serviceUuids: [THERMO_SERVICE], durationMs: 200, until: () => true });
  if (!peripheral) throw new Error('not discovered');
  return { peripheral, radio };
}

describe('loading noble', () => {
  it('turns a missing adapter into one line saying what to check', () => {
    const failing = () => {
      throw Object.assign(new Error('EAFNOSUPPORT, Address family not supported by protocol'), { code: 'EAFNOSUPPORT' });
    };
    let caught: unknown;
    try {
      loadNoble(failing);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BluetoothUnavailableError);
    const message = (caught as Error).message;
    expect(message).not.toContain('\n');
    for (const hint of ['EAFNOSUPPORT', 'hciconfig', 'setcap cap_net_raw+eip', 'NOBLE_HCI_DEVICE_ID']) expect(message).toContain(hint);
  });

  it('fails with the same clear error on this adapter-less machine', () => {
    expect(() => loadNoble()).toThrow(BluetoothUnavailableError);
  });
});

describe('virtual radio', () => {
  it('advertises name, services and RSSI only to scans for its services', async () => {
    const { peripheral, radio } = await discoverOne(thermometer([]));
    expect(peripheral.advertisement.localName).toBe('Thermo');
    expect(peripheral.advertisement.serviceUuids).toContain(THERMO_SERVICE);
    expect(peripheral.rssi).toBe(-48);
    expect(peripheral.address).toBe('c0:ff:ee:00:00:01');
    expect(await scan(radio.noble, { serviceUuids: ['1810'], durationMs: 30 })).toEqual([]);
  });

  it('exposes a CCCD on indicating characteristics and reflects subscriptions in it', async () => {
    const device = thermometer([]);
    const { peripheral } = await discoverOne(device);
    await withGattSession(peripheral, 500, async (session) => {
      const c = session.characteristic(TEMPERATURE);
      expect(c.properties).toEqual(['indicate']);
      const [cccd] = await c.discoverDescriptorsAsync();
      expect(cccd?.uuid).toBe('2902');
      await cccd!.writeValueAsync(Buffer.from([0x02, 0x00]));
      expect(device.isSubscribed(TEMPERATURE)).toBe(true);
      expect([...(await cccd!.readValueAsync())]).toEqual([0x02, 0x00]);
    });
    expect(device.connected).toBe(false);
  });
});

describe('GATT session', () => {
  it('reads battery and device information, serial number as device id', async () => {
    const { peripheral } = await discoverOne(thermometer([], { serial: 'SN-0042' }));
    const result = await withGattSession(peripheral, 500, async (s) => ({ battery: await s.readBattery(), dis: await s.readDeviceInformation() }));
    expect(result).toEqual({ battery: 87, dis: { deviceId: 'SN-0042', serialNumber: 'SN-0042', modelNumber: 'TH-1' } });
    expect(peripheral.state).toBe('disconnected');
  });

  it('falls back to the BLE address when the device has no serial number', async () => {
    const { peripheral } = await discoverOne(thermometer([]));
    const dis = await withGattSession(peripheral, 500, (s) => s.readDeviceInformation());
    expect(dis.deviceId).toBe('c0:ff:ee:00:00:01');
  });

  it('collects the stored records indicated before the RACP response, in order', async () => {
    const { peripheral } = await discoverOne(thermometer([36, 37, 38]));
    const exchange = await withGattSession(peripheral, 500, (s) => s.racp(Uint8Array.of(0x01, 0x01), [TEMPERATURE]));
    expect(exchange.records.map((r) => [r.characteristicUuid, [...r.data]])).toEqual([
      [TEMPERATURE, [36]],
      [TEMPERATURE, [37]],
      [TEMPERATURE, [38]],
    ]);
    expect([...exchange.response]).toEqual([0x06, 0x00, 0x01, 0x01]);
  });

  it('delivers a reading the device takes while connected, and none after unsubscribing', async () => {
    const device = thermometer([]);
    const { peripheral } = await discoverOne(device);
    const seen: number[] = [];
    await withGattSession(peripheral, 500, async (s) => {
      const stop = await s.subscribe(TEMPERATURE, (d) => seen.push(d[0]!));
      expect(device.send(TEMPERATURE, Uint8Array.of(39))).toBe(true);
      await new Promise((r) => setImmediate(r));
      stop();
      device.send(TEMPERATURE, Uint8Array.of(40));
      await new Promise((r) => setImmediate(r));
    });
    expect(seen).toEqual([39]);
    expect(device.send(TEMPERATURE, Uint8Array.of(41))).toBe(false);
  });

  it('times out on connect to an absent device instead of hanging, and can connect once it is back', async () => {
    const device = thermometer([]);
    const { peripheral } = await discoverOne(device);
    device.present = false;
    const started = Date.now();
    await expect(withGattSession(peripheral, 100, () => Promise.resolve())).rejects.toThrow(BleTimeoutError);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(withGattSession(peripheral, 100, () => Promise.resolve())).rejects.toThrow(/connect to device c0:ff:ee:00:00:01 did not complete within 100 ms/);
    device.present = true;
    await expect(withGattSession(peripheral, 200, (s) => s.readBattery())).resolves.toBe(87);
  });

  it('fails the running step at once when the device drops the link', async () => {
    const device = thermometer([]);
    const { peripheral } = await discoverOne(device);
    const session = new GattSession(peripheral, 5000);
    await session.connect();
    await session.discover();
    const silentRacp = session.racp(Uint8Array.of(0x04, 0x01), [TEMPERATURE]);
    setTimeout(() => device.disconnect(), 20);
    const started = Date.now();
    await expect(silentRacp).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(Date.now() - started).toBeLessThan(1000);
    await session.disconnect();
  });

  it('times out a RACP transfer the device never answers', async () => {
    const { peripheral } = await discoverOne(thermometer([1]));
    await expect(withGattSession(peripheral, 80, (s) => s.racp(Uint8Array.of(0x04, 0x01), [TEMPERATURE]))).rejects.toThrow(/RACP transfer/);
  });

  it('names a missing characteristic', async () => {
    const { peripheral } = await discoverOne(thermometer([]));
    await expect(withGattSession(peripheral, 200, (s) => s.read('2a35'))).rejects.toThrow(new BleError('MISSING_CHARACTERISTIC', 'device c0:ff:ee:00:00:01 has no characteristic 2a35'));
  });
});

describe('helpers', () => {
  it.each([
    ['0x2A35', '2a35'],
    ['00002A35-0000-1000-8000-00805F9B34FB', '2a35'],
    ['46a970e0-0d5f-11e2-8b5e-0002a5d5c51b', '46a970e00d5f11e28b5e0002a5d5c51b'],
  ])('spells %s as noble does', (input, expected) => {
    expect(normalizeUuid(input)).toBe(expected);
  });

  it('withTimeout passes a value through and names the step that timed out', async () => {
    await expect(withTimeout(Promise.resolve(7), 50, 'x')).resolves.toBe(7);
    await expect(withTimeout(new Promise(() => {}), 10, 'battery read')).rejects.toThrow('battery read did not complete within 10 ms');
  });
});
