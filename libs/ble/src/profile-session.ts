import type { DecodedReading } from '@tm/contracts';
import { withGattSession, type GattSession } from './gatt';
import type { Peripheral } from './load-noble';
import type { DeviceReading, DeviceSessionResult, ReadSessionOptions, UndecodableValue } from './types';
import { normalizeUuid } from './uuid';

/** A decoded value, with the device's record number when the format carries one. */
export type DecodedRecord = DecodedReading & { recordSequence?: number };

/** What differs between the standard health profiles; the session steps are the same. */
export interface ProfileSessionSpec {
  /** Used when the device does not report a model number. */
  defaultModel: string;
  /** Characteristics that indicate or notify readings, in subscription order. */
  measurementUuids: string[];
  /**
   * Decodes one value; null while a segmented value is incomplete; throws a DecodeError on
   * malformed bytes. Called once per session's values in arrival order, so it may keep state.
   */
  decode(characteristicUuid: string, data: Uint8Array): DecodedRecord | null;
  /** Download stored records through RACP when the device has one. */
  racp: boolean;
  /**
   * Turns the values received in the session into readings; by default one reading per value.
   * Continuous oximetry uses it to keep one stable reading instead of a sample per second.
   */
  summarize?: (received: ReceivedReading[]) => DeviceReading[];
  /**
   * Characteristics that stream samples (continuous oximetry): equal samples are not repeats.
   * On the others, the same decoded record twice in one session is one reading (indicated on
   * connection, then again in the RACP download).
   */
  streamUuids?: string[];
  /** Stops listening as soon as what was received is enough (a stable stretch of a stream). */
  enough?: (received: ReceivedReading[]) => boolean;
}

export interface ReceivedReading {
  characteristicUuid: string;
  reading: DeviceReading;
}

export type ProfileSessionOptions = ReadSessionOptions;

const DEFAULT_LISTEN_MS = 1500;
const DEFAULT_MAX_LISTEN_MS = 90_000;

/**
 * One standard session: device information and battery, the device clock (read, then set),
 * subscription to the measurement characteristics, RACP download of stored records, a short
 * wait for readings in progress, and disconnect in every case.
 */
export function readProfileSession(peripheral: Peripheral, options: ProfileSessionOptions, spec: ProfileSessionSpec): Promise<DeviceSessionResult> {
  return withGattSession(peripheral, options.timeoutMs, async (session) => {
    const info = await session.readDeviceInformation();
    const deviceModel = info.modelNumber ?? spec.defaultModel;
    const battery = await session.readBattery();
    const deviceClockReadAt = options.now();
    const deviceClock = await session.readCurrentTime();

    const received: ReceivedReading[] = [];
    const undecodable: UndecodableValue[] = [];
    const seen = new Set<string>();
    const streams = new Set((spec.streamUuids ?? []).map(normalizeUuid));
    const enough = spec.enough ?? (() => false);
    let closed = false;
    let lastValueAt = Date.now();
    const present = spec.measurementUuids.map(normalizeUuid).filter((u) => session.has(u));
    const stops: Array<() => void> = [];
    try {
      for (const uuid of present)
        stops.push(
          await session.subscribe(uuid, (data) => {
            if (closed) return;
            lastValueAt = Date.now();
            try {
              const record = spec.decode(uuid, data);
              if (record === null) return;
              const { recordSequence, ...decoded } = record;
              // The gateway's identity of a reading (flags aside: a re-sent record may mark itself "from storage").
              const key = JSON.stringify([record.type, record.deviceTime, record.userId, recordSequence ?? null, record.components]);
              if (!streams.has(uuid)) {
                if (seen.has(key)) return;
                seen.add(key);
              }
              received.push({
                characteristicUuid: uuid,
                reading: {
                  ...decoded,
                  deviceId: info.deviceId,
                  deviceModel,
                  deviceAddress: peripheral.address,
                  ...(recordSequence !== undefined && { recordSequence }),
                },
              });
              // Decided here, not in the listening loop, so samples after the stable stretch are never mixed in.
              if (enough(received)) closed = true;
            } catch (error) {
              undecodable.push({ characteristicUuid: uuid, hex: Buffer.from(data).toString('hex'), reason: error instanceof Error ? error.message : String(error) });
            }
          }),
        );
      if (options.clockWrite) await session.writeClock(options.now(), options.timeZone);
      if (spec.racp && session.has('2a52')) await session.racpReportAll(present);
      lastValueAt = Date.now();
      await listenUntilIdle(session, () => lastValueAt, options.listenMs ?? DEFAULT_LISTEN_MS, options.maxListenMs ?? DEFAULT_MAX_LISTEN_MS, () => closed);
    } finally {
      for (const stop of stops) stop();
    }
    const readings = spec.summarize ? spec.summarize(received) : received.map((r) => r.reading);
    return {
      deviceId: info.deviceId,
      deviceModel,
      ...(battery !== undefined && { battery }),
      ...(deviceClock !== undefined && { deviceClock, deviceClockReadAt: deviceClockReadAt.toISOString() }),
      readings,
      ...(undecodable.length > 0 && { undecodable }),
    };
  });
}

/**
 * Waits until no value has arrived for `idleMs`, what arrived is enough, `maxMs` have passed
 * (a stream that never stops), or the device ended the link.
 */
async function listenUntilIdle(session: GattSession, lastValueAt: () => number, idleMs: number, maxMs: number, enough: () => boolean): Promise<void> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const wait = Math.min(lastValueAt() + idleMs, deadline) - Date.now();
    if (wait <= 0 || enough() || session.peripheral.state !== 'connected') return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 50)));
  }
}
