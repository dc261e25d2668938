import type { DeviceDriver } from '@tm/ble';
import * as bloodPressure from '@tm/device-blood-pressure';
import * as pulseOximeter from '@tm/device-pulse-oximeter';
import * as spirometer from '@tm/device-spirometer';
import * as weightScale from '@tm/device-weight-scale';

const isDriver = (x: unknown): x is DeviceDriver =>
  typeof x === 'object' && x !== null && typeof (x as DeviceDriver).readSession === 'function' && typeof (x as DeviceDriver).serviceUuid === 'string';

/** One driver per device folder: adding a device profile = adding a folder and a line here. */
export function supportedDrivers(): DeviceDriver[] {
  return [bloodPressure, pulseOximeter, weightScale, spirometer].flatMap((profile) => Object.values(profile).filter(isDriver));
}
