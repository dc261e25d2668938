import { readFileSync } from 'node:fs';
import { formatInstant, GatewayStatus } from '@tm/contracts';
import { BleError, DeviceDriver, DeviceSessionResult, Noble, Peripheral, scan } from '@tm/ble';
import { deviceClockOffsetMs } from './clock';
import type { DeviceBinding, GatewayConfig } from './config';
import type { Logger } from './log';
import { toMeasurements } from './measurement';
import { AddOutcome, Outbox } from './outbox';
import { Backoff, Publisher } from './publisher';

export interface GatewayOptions {
  config: GatewayConfig;
  logger: Logger;
  /** Drivers by profile name; only those of bound profiles are used. */
  drivers: readonly DeviceDriver[];
  /** Loads the radio (real noble, or the virtual one); throws BluetoothUnavailableError when there is no adapter. */
  radio: () => Noble;
  now?: () => Date;
  /** How long each scan listens for advertisements. */
  scanMs?: number;
  /** A device just read is left alone this long before it is read again. */
  revisitMs?: number;
  /** After the stored records, how long a session listens for a reading being taken. */
  listenMs?: number;
  backoff?: Backoff;
  reconnectPeriodMs?: number;
}

type DeviceState = GatewayStatus['devices'][number];

/**
 * The gateway: three long-lived parts with start()/stop() — the outbox, the publisher and the
 * radio loop — wired so that a reading is on disk before anything else happens to it.
 */
export class Gateway {
  outbox: Outbox | null = null;
  publisher: Publisher | null = null;
  private noble: Noble | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly devices = new Map<string, DeviceState>();
  private readonly lastVisit = new Map<string, number>();
  private wakeUp: (() => void) | null = null;
  private sessions = 0;

  constructor(private readonly options: GatewayOptions) {}

  private get now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Completed device sessions since start. */
  get sessionCount(): number {
    return this.sessions;
  }

  async start(): Promise<void> {
    const { config, logger } = this.options;
    // The radio first: without an adapter there is nothing to do, and nothing should be left half started.
    this.noble = this.options.radio();
    this.outbox = await Outbox.open({ dataDir: config.dataDir, maxReadings: config.outbox.maxReadings, maxBytes: config.outbox.maxBytes, logger });
    this.publisher = new Publisher({
      gatewayId: config.gatewayId,
      secret: config.secret,
      brokerUrl: config.brokerUrl,
      ...(config.ca ? { ca: readFileSync(config.ca) } : {}),
      outbox: this.outbox,
      logger,
      devices: () => [...this.devices.values()],
      ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
      ...(this.options.reconnectPeriodMs ? { reconnectPeriodMs: this.options.reconnectPeriodMs } : {}),
    });
    this.publisher.start();
    this.running = true;
    this.loop = this.radioLoop();
    logger.info({ gatewayId: config.gatewayId, devices: config.devices.length, timeZone: config.timeZone }, 'gateway started');
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    this.loop = null;
    await this.publisher?.stop();
    this.options.logger.info({ queued: this.outbox?.size ?? 0 }, 'gateway stopped; unsent readings stay in the outbox');
  }

  private profilesInUse(): DeviceDriver[] {
    const bound = new Set(this.options.config.devices.map((d) => d.profile));
    return this.options.drivers.filter((d) => bound.has(d.profile as DeviceBinding['profile']));
  }

  private async radioLoop(): Promise<void> {
    const drivers = this.profilesInUse();
    const scanMs = this.options.scanMs ?? 10_000;
    while (this.running) {
      try {
        if (drivers.length === 0 || !this.noble) {
          await this.pause(scanMs);
          continue;
        }
        const found = await scan(this.noble, { serviceUuids: drivers.map((d) => d.serviceUuid), durationMs: scanMs });
        let visited = 0;
        for (const peripheral of found) {
          if (!this.running) break;
          if (await this.visit(peripheral, drivers)) visited++;
        }
        if (visited === 0) await this.pause(Math.min(scanMs, 1_000));
      } catch (e) {
        this.options.logger.warn({ error: (e as Error).message }, 'radio scan failed; trying again');
        await this.pause(scanMs);
      }
    }
  }

  /** Connects to a peripheral only if it is bound here (by address, or by serial for its profile) and not just read. */
  private async visit(peripheral: Peripheral, drivers: DeviceDriver[]): Promise<boolean> {
    const { config, logger } = this.options;
    const address = peripheral.address.toLowerCase();
    const advertised = (peripheral.advertisement.serviceUuids ?? []).map((u) => u.toLowerCase());
    const driver = drivers.find((d) => advertised.includes(d.serviceUuid.toLowerCase()));
    if (!driver) return false;
    const byAddress = config.devices.find((b) => b.address === address && b.profile === driver.profile);
    const bySerial = config.devices.filter((b) => b.address === undefined && b.deviceId !== undefined && b.profile === driver.profile);
    if (!byAddress && bySerial.length === 0) return false;
    const last = this.lastVisit.get(address) ?? -Infinity;
    if (Date.now() - last < (this.options.revisitMs ?? 30_000)) return false;
    this.lastVisit.set(address, Date.now());

    const startedAt = this.now;
    try {
      const session = await driver.readSession(peripheral, {
        timeoutMs: config.sessionTimeoutMs,
        now: () => this.now,
        clockWrite: true,
        timeZone: config.timeZone,
        ...(this.options.listenMs !== undefined && { listenMs: this.options.listenMs }),
      });
      const binding = byAddress ?? bySerial.find((b) => b.deviceId === session.deviceId);
      if (!binding) {
        logger.info({ deviceId: session.deviceId, address, profile: driver.profile }, 'device is not bound to this gateway; its readings are ignored');
        return true;
      }
      await this.recordSession(session, binding, startedAt);
    } catch (e) {
      const code = e instanceof BleError ? e.code : 'UNEXPECTED';
      logger.warn({ address, profile: driver.profile, code, error: (e as Error).message }, 'device session failed; it will be tried again');
    }
    return true;
  }

  /** What a device session yielded -> measurements in the outbox, and the device's battery and last contact for the status. */
  async recordSession(session: DeviceSessionResult, binding: DeviceBinding, startedAt: Date): Promise<AddOutcome[]> {
    const { config, logger } = this.options;
    const clockReadAt = session.deviceClockReadAt ? new Date(session.deviceClockReadAt) : startedAt;
    const clockOffsetMs = deviceClockOffsetMs(session.deviceClock, clockReadAt, config.timeZone);
    for (const u of session.undecodable ?? [])
      logger.warn({ deviceId: session.deviceId, characteristic: u.characteristicUuid, hex: u.hex, reason: u.reason }, 'a value from the device could not be decoded and is not forwarded');
    const measurements = [];
    // The whole session at once: stored records from a device with an unset clock keep their order and are marked uncertain.
    const conversions = toMeasurements(session.readings, { binding, timeZone: config.timeZone, receivedAt: startedAt, clockOffsetMs });
    for (const [i, r] of conversions.entries()) {
      if (r.ok) measurements.push(r.measurement);
      else logger.warn({ deviceId: session.readings[i]?.deviceId, reason: r.reason }, 'reading not forwarded');
    }
    const outcomes = measurements.length > 0 && this.outbox ? await this.outbox.addMany(measurements) : [];
    this.devices.set(session.deviceId, {
      deviceId: session.deviceId,
      deviceModel: session.deviceModel,
      ...(session.battery !== undefined ? { battery: session.battery } : {}),
      lastSeen: formatInstant(this.now.getTime(), config.timeZone),
    });
    this.sessions++;
    logger.info(
      {
        deviceId: session.deviceId,
        profile: binding.profile,
        readings: session.readings.length,
        new: outcomes.filter((o) => o === 'stored').length,
        // The outbox logs why, once; a device with a record memory (RACP) serves these again at its next session.
        refused: outcomes.filter((o) => o.startsWith('refused-')).length,
        clockOffsetMs,
      },
      'device session done',
    );
    this.publisher?.publishStatus();
    return outcomes;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
