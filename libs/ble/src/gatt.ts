import { localDateTime as wallClockText } from '@tm/contracts';
import {
  decodeCurrentTime,
  decodeDateTime,
  encodeCurrentTime,
  encodeDateTime,
  type LocalDateTime,
  parseRacpResponse,
  racpReportAllRecords,
  racpReportNumberOfAllRecords,
  RacpResponseCode,
} from '@tm/ieee11073';
import { BleError, BleTimeoutError } from './errors';
import type { Characteristic, Noble, Peripheral } from './load-noble';
import { normalizeUuid } from './uuid';

export const GATT = {
  batteryService: '180f',
  batteryLevel: '2a19',
  deviceInformation: '180a',
  manufacturerName: '2a29',
  modelNumber: '2a24',
  serialNumber: '2a25',
  currentTimeService: '1805',
  currentTime: '2a2b',
  racp: '2a52',
  dateTime: '2a08',
} as const;

/** Wall-clock time in the zone (default: the gateway's own), as BLE devices keep it: 'YYYY-MM-DDTHH:mm:ss'. */
export function localDateTime(instant: Date, timeZone: string = Intl.DateTimeFormat().resolvedOptions().timeZone): LocalDateTime {
  return wallClockText(instant, timeZone);
}

/** Rejects with a BleTimeoutError naming the step when `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, step: string, hint?: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new BleTimeoutError(step, ms, hint)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new BleError('PROTOCOL', `${step} failed: ${String(error)}`));
      },
    );
  });
}

/** Resolves once the adapter is powered on (noble initialises its bindings on first access to `state`). */
export async function waitPoweredOn(noble: Noble, timeoutMs: number): Promise<void> {
  const withState = noble as unknown as { state: string };
  if (withState.state === 'poweredOn') return;
  await withTimeout(
    new Promise<void>((resolve) => {
      const onState = (state: string): void => {
        if (state !== 'poweredOn') return;
        noble.removeListener('stateChange', onState);
        resolve();
      };
      noble.on('stateChange', onState);
    }),
    timeoutMs,
    'Bluetooth adapter power-on',
    'is the adapter up? `hciconfig`',
  );
}

export interface ScanOptions {
  serviceUuids: string[];
  /** How long to listen for advertisements. */
  durationMs: number;
  /** Stop early once this returns true for a peripheral (e.g. the bound device was seen). */
  until?: (peripheral: Peripheral) => boolean;
}

/** Peripherals advertising one of the services, in order of discovery. */
export async function scan(noble: Noble, options: ScanOptions): Promise<Peripheral[]> {
  await waitPoweredOn(noble, options.durationMs);
  const found = new Map<string, Peripheral>();
  await new Promise<void>((resolve, reject) => {
    const finish = (): void => {
      clearTimeout(timer);
      noble.removeListener('discover', onDiscover);
      noble.stopScanning();
      resolve();
    };
    const onDiscover = (p: Peripheral): void => {
      found.set(p.id, p);
      if (options.until?.(p)) finish();
    };
    const timer = setTimeout(finish, options.durationMs);
    noble.on('discover', onDiscover);
    noble.startScanning(options.serviceUuids.map(normalizeUuid), false, (error?: Error) => {
      if (!error) return;
      clearTimeout(timer);
      noble.removeListener('discover', onDiscover);
      reject(new BleError('PROTOCOL', `scan could not start: ${error.message}`));
    });
  });
  return [...found.values()];
}

export interface Indication {
  characteristicUuid: string;
  data: Uint8Array;
}

export interface RacpExchange {
  /** Measurement indications received between the request and the RACP response, in order. */
  records: Indication[];
  /** The RACP response indication (op code 0x05 or 0x06 ...). */
  response: Uint8Array;
}

/**
 * One connection to one device. Every step is bounded by `timeoutMs` and fails at once
 * with DISCONNECTED when the device drops the link, so a session never hangs.
 */
export class GattSession {
  private readonly characteristics = new Map<string, Characteristic>();
  private readonly subscribed = new Set<string>();
  private dropped: string | null = null;
  private readonly onDisconnect = (reason: unknown): void => {
    this.dropped = typeof reason === 'string' ? reason : 'link lost';
    for (const abort of this.aborts) abort(new BleError('DISCONNECTED', `${this.label} disconnected (${this.dropped})`));
  };
  private readonly aborts = new Set<(error: Error) => void>();

  constructor(
    readonly peripheral: Peripheral,
    readonly timeoutMs: number,
  ) {}

  get label(): string {
    return `device ${this.peripheral.address}`;
  }

  /** Runs one BLE step under the timeout (null: the step bounds itself), failing early if the link drops. */
  step<T>(what: string, start: () => Promise<T>, timeoutMs: number | null = this.timeoutMs): Promise<T> {
    if (this.dropped !== null) return Promise.reject(new BleError('DISCONNECTED', `${this.label} disconnected (${this.dropped}) before ${what}`));
    let abort: (error: Error) => void = () => {};
    const aborted = new Promise<never>((_, reject) => {
      abort = reject;
    });
    this.aborts.add(abort);
    const raced = Promise.race([start(), aborted]);
    return (timeoutMs === null ? raced : withTimeout(raced, timeoutMs, `${what} on ${this.label}`)).finally(() => this.aborts.delete(abort));
  }

  async connect(): Promise<void> {
    try {
      await withTimeout(this.peripheral.connectAsync(), this.timeoutMs, `connect to ${this.label}`, 'out of range, switched off or asleep?');
    } catch (error) {
      // Leaves noble's pending LE connection so the next session can try again.
      if (this.peripheral.state === 'connecting') this.peripheral.cancelConnect();
      throw error;
    }
    this.dropped = null;
    this.peripheral.on('disconnect', this.onDisconnect);
  }

  /** Discovers every service and characteristic; later steps address characteristics by UUID. */
  async discover(): Promise<void> {
    const services = await this.step('service discovery', () => this.peripheral.discoverServicesAsync([]));
    for (const service of services) {
      const characteristics = await this.step(`characteristic discovery of service ${service.uuid}`, () => service.discoverCharacteristicsAsync([]));
      for (const c of characteristics) if (!this.characteristics.has(c.uuid)) this.characteristics.set(c.uuid, c);
    }
  }

  has(uuid: string): boolean {
    return this.characteristics.has(normalizeUuid(uuid));
  }

  characteristic(uuid: string): Characteristic {
    const c = this.characteristics.get(normalizeUuid(uuid));
    if (!c) throw new BleError('MISSING_CHARACTERISTIC', `${this.label} has no characteristic ${normalizeUuid(uuid)}`);
    return c;
  }

  async read(uuid: string): Promise<Uint8Array> {
    const c = this.characteristic(uuid);
    return new Uint8Array(await this.step(`read of ${c.uuid}`, () => c.readAsync()));
  }

  /** Reads a characteristic the device may not have; undefined when absent. */
  async readOptional(uuid: string): Promise<Uint8Array | undefined> {
    return this.has(uuid) ? this.read(uuid) : undefined;
  }

  async write(uuid: string, data: Uint8Array): Promise<void> {
    const c = this.characteristic(uuid);
    await this.step(`write of ${c.uuid}`, () => c.writeAsync(Buffer.from(data), false));
  }

  /**
   * Enables notifications or indications (noble confirms each indication) and calls `onValue`
   * for each. Returns a function that stops listening.
   */
  async subscribe(uuid: string, onValue: (data: Uint8Array) => void): Promise<() => void> {
    const c = this.characteristic(uuid);
    const listener = (data: Buffer, isNotification: boolean): void => {
      if (isNotification) onValue(new Uint8Array(data));
    };
    c.on('data', listener);
    if (!this.subscribed.has(c.uuid)) {
      try {
        await this.step(`subscription to ${c.uuid}`, () => c.subscribeAsync());
      } catch (error) {
        c.removeListener('data', listener);
        throw error;
      }
      this.subscribed.add(c.uuid);
    }
    return () => c.removeListener('data', listener);
  }

  /** Battery level in %, when the device has the Battery Service. */
  async readBattery(): Promise<number | undefined> {
    const value = await this.readOptional(GATT.batteryLevel);
    return value?.[0];
  }

  async readDeviceInformation(): Promise<DeviceInformation> {
    const text = async (uuid: string): Promise<string | undefined> => {
      const value = await this.readOptional(uuid);
      const s = value === undefined ? '' : new TextDecoder().decode(value).replace(/\0+$/, '').trim();
      return s === '' ? undefined : s;
    };
    const serialNumber = await text(GATT.serialNumber);
    const modelNumber = await text(GATT.modelNumber);
    const manufacturerName = await text(GATT.manufacturerName);
    return {
      deviceId: serialNumber ?? this.peripheral.address,
      ...(serialNumber !== undefined && { serialNumber }),
      ...(modelNumber !== undefined && { modelNumber }),
      ...(manufacturerName !== undefined && { manufacturerName }),
    };
  }

  /**
   * Writes one RACP request and collects what the device indicates on the measurement
   * characteristics until the RACP response. The timeout restarts with every record, so a
   * long memory download is bounded per record, not in total.
   */
  async racp(request: Uint8Array, measurementUuids: string[]): Promise<RacpExchange> {
    const racp = this.characteristic(GATT.racp);
    const records: Indication[] = [];
    let restart: () => void = () => {};
    let respond: (value: Uint8Array) => void = () => {};
    const response = new Promise<Uint8Array>((resolve) => {
      respond = resolve;
    });
    const stops: Array<() => void> = [];
    try {
      for (const uuid of measurementUuids) {
        const normalized = normalizeUuid(uuid);
        stops.push(
          await this.subscribe(normalized, (data) => {
            records.push({ characteristicUuid: normalized, data });
            restart();
          }),
        );
      }
      stops.push(await this.subscribe(GATT.racp, (data) => respond(data)));
      await this.write(racp.uuid, request);
      const answer = await this.step('RACP response', () => idleBounded(response, this.timeoutMs, (r) => (restart = r)), null);
      return { records, response: answer };
    } finally {
      for (const stop of stops) stop();
    }
  }

  /** Asks how many records the device holds (RACP "report number of stored records"). */
  async racpCount(): Promise<number> {
    const { response } = await this.racp(racpReportNumberOfAllRecords(), []);
    const parsed = parseRacpResponse(response);
    if (parsed.kind === 'numberOfRecords') return parsed.count;
    throw new BleError('PROTOCOL', `${this.label} answered the record count request with ${parsed.codeName}`);
  }

  /**
   * Asks for every stored record. Resolves with the records indicated before the response;
   * "no records found" is an empty memory, any other failure is a PROTOCOL error.
   */
  async racpReportAll(measurementUuids: string[]): Promise<Indication[]> {
    const { records, response } = await this.racp(racpReportAllRecords(), measurementUuids);
    const parsed = parseRacpResponse(response);
    if (parsed.kind === 'response' && (parsed.success || parsed.code === RacpResponseCode.noRecordsFound)) return records;
    const what = parsed.kind === 'response' ? parsed.codeName : 'a record count';
    throw new BleError('PROTOCOL', `${this.label} answered "report all stored records" with ${what}`);
  }

  /**
   * The device clock (Current Time 0x2A2B, else the profile's Date Time 0x2A08): null when
   * unset, undefined when the device has no readable clock.
   */
  async readCurrentTime(): Promise<LocalDateTime | null | undefined> {
    const readable = (uuid: string): boolean => this.characteristics.get(uuid)?.properties.includes('read') === true;
    if (readable(GATT.currentTime)) return decodeCurrentTime(await this.read(GATT.currentTime)).dateTime;
    if (readable(GATT.dateTime)) return decodeDateTime(await this.read(GATT.dateTime));
    return undefined;
  }

  /**
   * Sets the device clock to the gateway's local time: Current Time (0x2A2B) where the device
   * has it, else the profile's Date Time (0x2A08), which A&D monitors expect at each connection.
   * False when the device has neither.
   */
  async writeClock(now: Date, timeZone?: string): Promise<boolean> {
    const local = localDateTime(now, timeZone);
    if (this.has(GATT.currentTime)) {
      await this.write(GATT.currentTime, encodeCurrentTime({ dateTime: local, adjustReason: { manualTimeUpdate: true } }));
      return true;
    }
    if (this.has(GATT.dateTime)) {
      await this.write(GATT.dateTime, encodeDateTime(local));
      return true;
    }
    return false;
  }

  /** Ends the link; never throws, since it runs in `finally` after the real outcome is known. */
  async disconnect(): Promise<void> {
    this.peripheral.removeListener('disconnect', this.onDisconnect);
    if (this.peripheral.state === 'disconnected') return;
    try {
      await withTimeout(this.peripheral.disconnectAsync(), this.timeoutMs, `disconnect from ${this.label}`);
    } catch {
      // The link supervision timeout ends a link the device no longer answers on; nothing to add.
    }
  }
}

/** Rejects with a timeout when `promise` has not settled within `idleMs` of the last `restart`. */
function idleBounded<T>(promise: Promise<T>, idleMs: number, expose: (restart: () => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer = setTimeout(() => reject(new BleTimeoutError('RACP transfer (no record or response)', idleMs)), idleMs);
    expose(() => {
      clearTimeout(timer);
      timer = setTimeout(() => reject(new BleTimeoutError('RACP transfer (no record or response)', idleMs)), idleMs);
    });
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export interface DeviceInformation {
  /** Serial number, else the BLE address: stable per physical device. */
  deviceId: string;
  serialNumber?: string;
  modelNumber?: string;
  manufacturerName?: string;
}

/** Connects, runs `work`, and always disconnects, whatever happened. */
export async function withGattSession<T>(peripheral: Peripheral, timeoutMs: number, work: (session: GattSession) => Promise<T>): Promise<T> {
  const session = new GattSession(peripheral, timeoutMs);
  try {
    await session.connect();
    await session.discover();
    return await work(session);
  } finally {
    await session.disconnect();
  }
}
