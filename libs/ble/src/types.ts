import type { DecodedReading } from '@tm/contracts';
import type { Peripheral } from './load-noble';

/** A decoded reading with the device it came from; the gateway derives the measurement id from it. */
export type DeviceReading = DecodedReading & {
  deviceId: string;
  deviceModel: string;
  deviceAddress: string;
  /** The device's record number (RACP / GHS sequence), when it has one. */
  recordSequence?: number;
};

export interface DeviceSessionResult {
  deviceId: string;
  deviceModel: string;
  battery?: number;
  /**
   * The device's own clock at the start of the session ("YYYY-MM-DDTHH:mm:ss", null when
   * unset), read before the gateway set it: stored records were stamped with this clock.
   */
  deviceClock?: string | null;
  /** The gateway's instant (ISO) when `deviceClock` was read: the offset is measured against it, not the session start. */
  deviceClockReadAt?: string;
  readings: DeviceReading[];
  /** Values the device sent that could not be decoded: kept so nothing is dropped unseen. */
  undecodable?: UndecodableValue[];
}

export interface UndecodableValue {
  characteristicUuid: string;
  hex: string;
  reason: string;
}

export interface ReadSessionOptions {
  /** Bound for every BLE step (connect, discovery, each read/write, each RACP record). */
  timeoutMs: number;
  now: () => Date;
  /** Write the gateway's time into the device clock (where the device has one). */
  clockWrite: boolean;
  /** After the download, how long to keep listening for a reading being taken (idle window). */
  listenMs?: number;
  /** Upper bound on that listening, for a device that streams while the finger stays in. */
  maxListenMs?: number;
  /** The gateway's IANA time zone, for the clock written into the device (default: the process's). */
  timeZone?: string;
}

export interface DeviceDriver {
  /** Profile name, e.g. 'blood-pressure'. */
  profile: string;
  /** The GATT service the device advertises (noble spelling, e.g. '1810'). */
  serviceUuid: string;
  readSession(peripheral: Peripheral, options: ReadSessionOptions): Promise<DeviceSessionResult>;
}
