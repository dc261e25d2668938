import { SimulatedHealthDevice } from '@tm/ble';
import type { LocalDateTime } from '@tm/ieee11073';
import { encodeWeightMeasurement, encodeWeightScaleFeature, type WeightRecord } from './encoder';
import { WEIGHT_SCALE_PROFILE } from './profile';

export interface SimulatedWeightScaleOptions {
  model?: string;
  serial?: string;
  address?: string;
  battery?: number;
  /** Readings not delivered yet, each with its device time stamp: indicated at the next connection. */
  stored?: WeightRecord[];
  clock?: LocalDateTime | null;
  now?: () => Date;
}

export type SimulatedWeightScale = SimulatedHealthDevice<WeightRecord>;

/** A WSP scale (A&D UC-352BLE-like): no RACP, undelivered readings indicated on connection, Current Time. */
export function simulatedWeightScale(options: SimulatedWeightScaleOptions = {}): SimulatedWeightScale {
  const { service, characteristics } = WEIGHT_SCALE_PROFILE;
  return new SimulatedHealthDevice<WeightRecord>({
    address: options.address ?? 'a0:d0:00:03:52:01',
    localName: options.model ?? 'A&D UC-352BLE',
    model: options.model ?? 'A&D UC-352BLE',
    manufacturer: 'A&D Medical',
    serial: options.serial ?? '5130500456',
    battery: options.battery ?? 95,
    service,
    measurementUuid: characteristics.measurement,
    extraCharacteristics: [
      {
        uuid: characteristics.feature,
        properties: ['read'],
        onRead: () => encodeWeightScaleFeature({ timestamp: true, multipleUsers: false, bmi: false, weightResolution: { kg: 0.005, lb: 0.01 }, heightResolution: null }),
      },
    ],
    racp: false,
    clockCharacteristic: '2a2b',
    clock: options.clock === undefined ? '2026-01-01T00:00:00' : options.clock,
    ...(options.now && { now: options.now }),
    encode: encodeWeightMeasurement,
    stamp: (record, deviceTime) => ({ ...record, timestamp: deviceTime }),
    stored: options.stored ?? [],
  });
}
