import {
  decodeCurrentTime,
  decodeDateTime,
  encodeCurrentTime,
  encodeDateTime,
  encodeRacpNumberOfRecords,
  encodeRacpResponse,
  type LocalDateTime,
  parseRacpRequest,
  RacpOpCode,
  RacpRequestError,
  RacpResponseCode,
} from '@tm/ieee11073';
import { GATT } from './gatt';
import { VirtualPeripheral, type VirtualCharacteristic, type VirtualService } from './virtual-radio';

export interface SimulatedDeviceOptions<R> {
  address: string;
  localName: string;
  model: string;
  manufacturer: string;
  /** Empty: the device has no serial number characteristic (the gateway then uses the address). */
  serial: string;
  battery: number;
  service: string;
  /** Where stored records go (RACP downloads) and, unless `liveUuid` is given, new readings. */
  measurementUuid: string;
  /** A separate characteristic for readings as they are taken (GHS Live Health Observations). */
  liveUuid?: string;
  /** 'indicate' for stored-record profiles, 'notify' for streams (continuous oximetry). */
  measurementProperty?: 'indicate' | 'notify';
  /** Further characteristics of the profile service (feature, control points ...). */
  extraCharacteristics?: VirtualCharacteristic[];
  /** Vendor services beside the standard one. */
  extraServices?: VirtualService[];
  /** Serves its memory through RACP (0x2A52); without, `stored` is indicated at the next connection. */
  racp: boolean;
  /** Where the gateway sets the clock: Current Time (0x2A2B) or the profile's Date Time (0x2A08, A&D). */
  clockCharacteristic: '2a2b' | '2a08' | null;
  /** The device clock when the simulation starts; null = never set (year 0 on the wire). */
  clock: LocalDateTime | null;
  /** Real time, for the running device clock; injectable for tests. */
  now?: () => Date;
  /** The value(s) of one record: several when the profile segments it (GHS). */
  encode(record: R): Uint8Array | Uint8Array[];
  /** The record stamped with the device clock at the moment it is taken. */
  stamp(record: R, deviceTime: LocalDateTime | null): R;
  stored: R[];
}

/**
 * A standard health device on the virtual radio: Device Information, Battery, a device clock
 * that runs from whatever it was set to (or stays unset), a memory of records served over RACP
 * with the real byte layouts, and new readings indicated on the next connection.
 */
export class SimulatedHealthDevice<R> {
  readonly peripheral: VirtualPeripheral;
  /** Records in the device memory, oldest first. */
  readonly memory: R[];
  /** Times the gateway set the clock. */
  clockWrites = 0;
  battery: number;
  private readonly unsent: R[] = [];
  private clockBase: { local: LocalDateTime; at: number } | null;
  private readonly now: () => Date;

  constructor(private readonly options: SimulatedDeviceOptions<R>) {
    this.now = options.now ?? (() => new Date());
    // Without RACP a device indicates what it holds at the next connection and then forgets it.
    this.memory = options.racp ? [...options.stored] : [];
    this.unsent.push(...(options.racp ? [] : options.stored));
    this.battery = options.battery;
    this.clockBase = options.clock === null ? null : { local: options.clock, at: this.now().getTime() };
    this.peripheral = new VirtualPeripheral({
      address: options.address,
      localName: options.localName,
      advertisedServices: [options.service],
      services: this.services(),
    });
  }

  /** What the device clock shows now; null when it was never set. */
  deviceNow(): LocalDateTime | null {
    if (!this.clockBase) return null;
    const base = Date.parse(`${this.clockBase.local}Z`) + (this.now().getTime() - this.clockBase.at);
    return new Date(base).toISOString().slice(0, 19);
  }

  /**
   * The patient takes a reading: it is stamped with the device clock, kept in memory, and
   * indicated now if the gateway is listening, else at the next connection.
   */
  takeReading(record: R): R {
    const stamped = this.options.stamp(record, this.deviceNow());
    if (this.options.racp) this.memory.push(stamped);
    if (!this.sendRecord(this.liveUuid, stamped)) this.unsent.push(stamped);
    return stamped;
  }

  private get liveUuid(): string {
    return this.options.liveUuid ?? this.options.measurementUuid;
  }

  private sendRecord(uuid: string, record: R): boolean {
    const encoded = this.options.encode(record);
    return (Array.isArray(encoded) ? encoded : [encoded]).every((value) => this.peripheral.send(uuid, value));
  }

  private services(): VirtualService[] {
    const o = this.options;
    const text = (s: string) => () => new TextEncoder().encode(s);
    const live: VirtualCharacteristic = {
      uuid: this.liveUuid,
      properties: [o.measurementProperty ?? 'indicate'],
      onSubscribe: (enabled) => {
        if (enabled) this.flushUnsent();
      },
    };
    const profile: VirtualCharacteristic[] = [
      live,
      ...(o.liveUuid !== undefined ? [{ uuid: o.measurementUuid, properties: [o.measurementProperty ?? ('indicate' as const)] }] : []),
      ...(o.extraCharacteristics ?? []),
    ];
    if (o.racp) profile.push({ uuid: GATT.racp, properties: ['write', 'indicate'], onWrite: (data) => this.onRacp(data) });
    if (o.clockCharacteristic === '2a08')
      profile.push({ uuid: GATT.dateTime, properties: ['read', 'write'], onRead: () => encodeDateTime(this.deviceNow()), onWrite: (d) => this.setClock(decodeDateTime(d)) });
    const services: VirtualService[] = [
      { uuid: o.service, characteristics: profile },
      {
        uuid: GATT.deviceInformation,
        characteristics: [
          { uuid: GATT.manufacturerName, properties: ['read'], onRead: text(o.manufacturer) },
          { uuid: GATT.modelNumber, properties: ['read'], onRead: text(o.model) },
          ...(o.serial ? [{ uuid: GATT.serialNumber, properties: ['read' as const], onRead: text(o.serial) }] : []),
        ],
      },
      { uuid: GATT.batteryService, characteristics: [{ uuid: GATT.batteryLevel, properties: ['read'], onRead: () => Uint8Array.of(this.battery) }] },
      ...(o.extraServices ?? []),
    ];
    if (o.clockCharacteristic === '2a2b')
      services.push({
        uuid: GATT.currentTimeService,
        characteristics: [
          {
            uuid: GATT.currentTime,
            properties: ['read', 'write', 'notify'],
            onRead: () => encodeCurrentTime({ dateTime: this.deviceNow() }),
            onWrite: (d) => this.setClock(decodeCurrentTime(d).dateTime),
          },
        ],
      });
    return services;
  }

  private setClock(local: LocalDateTime | null): void {
    this.clockWrites++;
    this.clockBase = local === null ? null : { local, at: this.now().getTime() };
  }

  private flushUnsent(): void {
    for (const record of this.unsent.splice(0)) this.sendRecord(this.liveUuid, record);
  }

  private onRacp(data: Uint8Array): void {
    const reply = (bytes: Uint8Array) => this.peripheral.send(GATT.racp, bytes);
    let request;
    try {
      request = parseRacpRequest(data);
    } catch (error) {
      const code = error instanceof RacpRequestError ? error.racpResponseCode : RacpResponseCode.invalidOperator;
      reply(encodeRacpResponse(data[0] ?? 0, code));
      return;
    }
    if (request.opCode === RacpOpCode.abortOperation) {
      reply(encodeRacpResponse(request.opCode, RacpResponseCode.success));
      return;
    }
    // Sequence numbers count from 1 in memory order.
    const from = request.operator === 'all' ? 1 : request.sequence;
    const selected = this.memory.slice(from - 1);
    switch (request.opCode) {
      case RacpOpCode.reportNumberOfStoredRecords:
        reply(encodeRacpNumberOfRecords(selected.length));
        return;
      case RacpOpCode.deleteStoredRecords:
        this.memory.splice(from - 1);
        reply(encodeRacpResponse(request.opCode, RacpResponseCode.success));
        return;
      case RacpOpCode.reportStoredRecords:
        for (const record of selected) this.sendRecord(this.options.measurementUuid, record);
        reply(encodeRacpResponse(request.opCode, selected.length > 0 ? RacpResponseCode.success : RacpResponseCode.noRecordsFound));
        return;
    }
  }
}
