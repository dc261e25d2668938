import { EventEmitter } from 'node:events';
import { BleError } from './errors';
import type { Noble } from './load-noble';
import { normalizeUuid } from './uuid';

export type CharacteristicProperty = 'read' | 'write' | 'writeWithoutResponse' | 'notify' | 'indicate';

export interface VirtualCharacteristic {
  uuid: string;
  properties: CharacteristicProperty[];
  /** Called on every read by the central; the returned bytes are the value. */
  onRead?: () => Uint8Array;
  /**
   * Called after the write is acknowledged; notifications sent from here reach the central
   * after the write response, as on a real link.
   */
  onWrite?: (data: Uint8Array, withResponse: boolean) => void;
  /** The central wrote the CCCD (subscribe / unsubscribe). */
  onSubscribe?: (enabled: boolean) => void;
}

export interface VirtualService {
  uuid: string;
  characteristics: VirtualCharacteristic[];
}

export interface VirtualPeripheralOptions {
  /** BLE address, 'aa:bb:cc:dd:ee:ff'. */
  address: string;
  localName?: string;
  /** Service UUIDs in the advertisement; by default every service hosted. */
  advertisedServices?: string[];
  rssi?: number;
  services: VirtualService[];
}

interface Link {
  send(serviceUuid: string, characteristicUuid: string, data: Uint8Array): void;
  drop(reason: string): void;
}

interface Located {
  service: VirtualService;
  characteristic: VirtualCharacteristic;
}

/**
 * A simulated GATT server. Device simulators build one from their services and answer the
 * central through `send` (notification or indication, by the characteristic's properties).
 */
export class VirtualPeripheral {
  readonly address: string;
  /** Noble's peripheral id for this address. */
  readonly id: string;
  readonly localName: string | undefined;
  readonly advertisedServices: string[];
  rssi: number;
  readonly services: VirtualService[];
  private link: Link | null = null;
  private readonly subscribed = new Set<string>();
  private isPresent = true;
  private readonly radios = new Set<VirtualRadio>();

  constructor(options: VirtualPeripheralOptions) {
    this.address = options.address.toLowerCase();
    this.id = this.address.replace(/:/g, '');
    this.localName = options.localName;
    this.services = options.services.map((s) => ({
      ...s,
      uuid: normalizeUuid(s.uuid),
      characteristics: s.characteristics.map((c) => ({ ...c, uuid: normalizeUuid(c.uuid) })),
    }));
    this.advertisedServices = (options.advertisedServices ?? this.services.map((s) => s.uuid)).map(normalizeUuid);
    this.rssi = options.rssi ?? -60;
  }

  get connected(): boolean {
    return this.link !== null;
  }

  /** An absent device neither advertises nor completes a connection (out of range, switched off). */
  get present(): boolean {
    return this.isPresent;
  }

  set present(value: boolean) {
    this.isPresent = value;
    if (!value) this.link?.drop('connection timeout');
    else for (const radio of this.radios) radio.advertise(this);
  }

  isSubscribed(characteristicUuid: string): boolean {
    const found = this.find(characteristicUuid);
    return found !== undefined && this.subscribed.has(key(found.service.uuid, found.characteristic.uuid));
  }

  /** Notifies or indicates a value; false when no central is connected and subscribed. */
  send(characteristicUuid: string, data: Uint8Array): boolean {
    const found = this.find(characteristicUuid);
    if (!found) throw new BleError('MISSING_CHARACTERISTIC', `virtual peripheral ${this.address} has no characteristic ${characteristicUuid}`);
    const { service, characteristic } = found;
    if (!this.link || !this.subscribed.has(key(service.uuid, characteristic.uuid))) return false;
    this.link.send(service.uuid, characteristic.uuid, data);
    return true;
  }

  /** The device ends the connection itself (transfer done, button pressed, battery saving). */
  disconnect(reason = 'remote user terminated connection'): void {
    this.link?.drop(reason);
  }

  find(characteristicUuid: string, serviceUuid?: string): Located | undefined {
    const uuid = normalizeUuid(characteristicUuid);
    for (const service of this.services) {
      if (serviceUuid !== undefined && service.uuid !== normalizeUuid(serviceUuid)) continue;
      const characteristic = service.characteristics.find((c) => c.uuid === uuid);
      if (characteristic) return { service, characteristic };
    }
    return undefined;
  }

  /** @internal used by the radio */
  attach(radio: VirtualRadio, link: Link | null): void {
    this.radios.add(radio);
    if (link === null) this.subscribed.clear();
    this.link = link;
  }

  /** @internal used by the radio */
  setSubscribed(serviceUuid: string, characteristicUuid: string, enabled: boolean): void {
    const k = key(serviceUuid, characteristicUuid);
    if (enabled) this.subscribed.add(k);
    else this.subscribed.delete(k);
  }
}

function key(serviceUuid: string, characteristicUuid: string): string {
  return `${serviceUuid}/${characteristicUuid}`;
}

const CCCD = '2902';

/**
 * Noble bindings hosting virtual peripherals: the real `Noble` class runs on top of it, so
 * drivers exercise noble's own peripheral/characteristic code in tests and in the demo.
 * Every event is delivered asynchronously and in order, like HCI events.
 */
export class VirtualRadio extends EventEmitter {
  private readonly peripherals = new Map<string, VirtualPeripheral>();
  private scanFilter: string[] | null = null;
  private allowDuplicates = false;

  constructor(peripherals: VirtualPeripheral[] = []) {
    super();
    for (const p of peripherals) this.add(p);
  }

  add(peripheral: VirtualPeripheral): void {
    this.peripherals.set(peripheral.id, peripheral);
    peripheral.attach(this, null);
    if (this.scanFilter !== null) this.advertise(peripheral);
  }

  /** Emits an advertisement if the radio is scanning for one of the peripheral's services. */
  advertise(p: VirtualPeripheral): void {
    const filter = this.scanFilter;
    if (filter === null || !p.present) return;
    if (filter.length > 0 && !p.advertisedServices.some((u) => filter.includes(u))) return;
    const advertisement = {
      localName: p.localName,
      txPowerLevel: undefined,
      manufacturerData: undefined,
      serviceData: [],
      serviceUuids: [...p.advertisedServices],
      serviceSolicitationUuids: [],
    };
    this.later('discover', p.id, p.address, 'public', true, advertisement, p.rssi, false);
  }

  init(): void {
    this.later('addressChange', '00:00:00:00:00:00');
    this.later('stateChange', 'poweredOn');
  }

  reset(): void {}

  setScanParameters(): void {
    this.later('scanParametersSet');
  }

  startScanning(serviceUuids: string[] | undefined, allowDuplicates: boolean | undefined): void {
    this.scanFilter = (serviceUuids ?? []).map(normalizeUuid);
    this.allowDuplicates = allowDuplicates === true;
    this.later('scanStart', !this.allowDuplicates);
    for (const p of this.peripherals.values()) this.advertise(p);
  }

  stopScanning(): void {
    this.scanFilter = null;
    this.later('scanStop');
  }

  connect(id: string): void {
    const p = this.peripherals.get(id);
    // An absent device never answers: noble then waits forever, which is what drivers must survive.
    if (!p || !p.present) return;
    if (p.connected) {
      this.later('connect', id, new Error('already connected'));
      return;
    }
    p.attach(this, {
      send: (serviceUuid, characteristicUuid, data) => this.later('read', id, serviceUuid, characteristicUuid, Buffer.from(data), true),
      drop: (reason) => {
        p.attach(this, null);
        this.later('disconnect', id, reason);
      },
    });
    this.later('connect', id, null);
  }

  cancelConnect(): void {}

  disconnect(id: string): void {
    const p = this.peripherals.get(id);
    if (!p?.connected) return;
    p.attach(this, null);
    this.later('disconnect', id, 'local host terminated connection');
  }

  updateRssi(id: string): void {
    const p = this.connectedPeripheral(id);
    if (p) this.later('rssiUpdate', id, p.rssi);
  }

  discoverServices(id: string, uuids: string[] | undefined): void {
    const p = this.connectedPeripheral(id);
    if (!p) return;
    const wanted = (uuids ?? []).map(normalizeUuid);
    const found = p.services.map((s) => s.uuid).filter((u) => wanted.length === 0 || wanted.includes(u));
    this.later('servicesDiscover', id, found);
  }

  discoverIncludedServices(id: string, serviceUuid: string): void {
    if (this.connectedPeripheral(id)) this.later('includedServicesDiscover', id, serviceUuid, []);
  }

  discoverCharacteristics(id: string, serviceUuid: string, uuids: string[] | undefined): void {
    const p = this.connectedPeripheral(id);
    const service = p?.services.find((s) => s.uuid === serviceUuid);
    if (!service) return;
    const wanted = (uuids ?? []).map(normalizeUuid);
    const found = service.characteristics
      .filter((c) => wanted.length === 0 || wanted.includes(c.uuid))
      .map((c) => ({ uuid: c.uuid, properties: [...c.properties] }));
    this.later('characteristicsDiscover', id, serviceUuid, found);
  }

  read(id: string, serviceUuid: string, characteristicUuid: string): void {
    const c = this.characteristic(id, serviceUuid, characteristicUuid);
    if (!c?.properties.includes('read') || !c.onRead) return;
    this.later('read', id, serviceUuid, characteristicUuid, Buffer.from(c.onRead()), false);
  }

  write(id: string, serviceUuid: string, characteristicUuid: string, data: Buffer, withoutResponse: boolean): void {
    const c = this.characteristic(id, serviceUuid, characteristicUuid);
    if (!c) return;
    const allowed = withoutResponse ? c.properties.includes('writeWithoutResponse') : c.properties.includes('write');
    if (!allowed) return;
    if (!withoutResponse) this.later('write', id, serviceUuid, characteristicUuid);
    c.onWrite?.(new Uint8Array(data), !withoutResponse);
  }

  broadcast(id: string, serviceUuid: string, characteristicUuid: string): void {
    this.later('broadcast', id, serviceUuid, characteristicUuid, false);
  }

  notify(id: string, serviceUuid: string, characteristicUuid: string, enable: boolean): void {
    const c = this.characteristic(id, serviceUuid, characteristicUuid);
    if (!c || !(c.properties.includes('notify') || c.properties.includes('indicate'))) return;
    this.subscribe(id, serviceUuid, c, enable);
    this.later('notify', id, serviceUuid, characteristicUuid, enable);
  }

  discoverDescriptors(id: string, serviceUuid: string, characteristicUuid: string): void {
    const c = this.characteristic(id, serviceUuid, characteristicUuid);
    if (!c) return;
    const hasCccd = c.properties.includes('notify') || c.properties.includes('indicate');
    this.later('descriptorsDiscover', id, serviceUuid, characteristicUuid, hasCccd ? [CCCD] : []);
  }

  readValue(id: string, serviceUuid: string, characteristicUuid: string, descriptorUuid: string): void {
    const c = this.characteristic(id, serviceUuid, characteristicUuid);
    const p = this.connectedPeripheral(id);
    if (!c || !p || normalizeUuid(descriptorUuid) !== CCCD) return;
    const on = p.isSubscribed(c.uuid);
    const bits = on ? (c.properties.includes('indicate') ? 0x02 : 0x01) : 0;
    this.later('valueRead', id, serviceUuid, characteristicUuid, descriptorUuid, Buffer.from([bits, 0]));
  }

  writeValue(id: string, serviceUuid: string, characteristicUuid: string, descriptorUuid: string, data: Buffer): void {
    const c = this.characteristic(id, serviceUuid, characteristicUuid);
    if (!c || normalizeUuid(descriptorUuid) !== CCCD) return;
    this.later('valueWrite', id, serviceUuid, characteristicUuid, descriptorUuid);
    this.subscribe(id, serviceUuid, c, ((data[0] ?? 0) & 0x03) !== 0);
  }

  readHandle(): void {
    throw new BleError('PROTOCOL', 'the virtual radio addresses characteristics by UUID, not by ATT handle');
  }

  writeHandle(): void {
    throw new BleError('PROTOCOL', 'the virtual radio addresses characteristics by UUID, not by ATT handle');
  }

  private subscribe(id: string, serviceUuid: string, c: VirtualCharacteristic, enable: boolean): void {
    const p = this.connectedPeripheral(id);
    if (!p) return;
    p.setSubscribed(serviceUuid, c.uuid, enable);
    c.onSubscribe?.(enable);
  }

  private connectedPeripheral(id: string): VirtualPeripheral | undefined {
    const p = this.peripherals.get(id);
    return p?.connected ? p : undefined;
  }

  private characteristic(id: string, serviceUuid: string, characteristicUuid: string): VirtualCharacteristic | undefined {
    return this.connectedPeripheral(id)?.find(characteristicUuid, serviceUuid)?.characteristic;
  }

  private later(event: string, ...args: unknown[]): void {
    setImmediate(() => this.emit(event, ...args));
  }
}

type NobleConstructor = new (bindings: EventEmitter) => Noble;

/** The real noble `Noble` class on the virtual radio, plus the radio to add peripherals later. */
export function createVirtualRadio(peripherals: VirtualPeripheral[] = []): { noble: Noble; radio: VirtualRadio } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lib/noble has no typings; the package entry would open the HCI socket
  const NobleClass = require('@abandonware/noble/lib/noble') as NobleConstructor;
  const radio = new VirtualRadio(peripherals);
  return { noble: new NobleClass(radio), radio };
}

export function createVirtualNoble(peripherals: VirtualPeripheral[] = []): Noble {
  return createVirtualRadio(peripherals).noble;
}
