import { SimulatedHealthDevice } from '@tm/ble';
import type { LocalDateTime } from '@tm/ieee11073';
import { encodeBloodPressureFeature, encodeBloodPressureMeasurement, type BloodPressureRecord } from './encoder';
import { BLOOD_PRESSURE_PROFILE } from './profile';

export interface SimulatedBloodPressureOptions {
  model?: string;
  serial?: string;
  address?: string;
  battery?: number;
  /** Stored records, each with its device time stamp. */
  stored?: BloodPressureRecord[];
  /** The cuff's clock at start; null = never set. */
  clock?: LocalDateTime | null;
  now?: () => Date;
}

/** An A&D-style cuff: 0x2A35 indications, RACP memory, clock set through Date Time (0x2A08). */
export function simulatedBloodPressureMonitor(options: SimulatedBloodPressureOptions = {}): SimulatedHealthDevice<BloodPressureRecord> {
  const { service, characteristics } = BLOOD_PRESSURE_PROFILE;
  return new SimulatedHealthDevice<BloodPressureRecord>({
    address: options.address ?? 'a0:d0:00:00:06:51',
    localName: options.model ?? 'A&D UA-651BLE',
    model: options.model ?? 'A&D UA-651BLE',
    manufacturer: 'A&D Medical',
    serial: options.serial ?? '5120400123',
    battery: options.battery ?? 90,
    service,
    measurementUuid: characteristics.measurement,
    extraCharacteristics: [
      {
        uuid: characteristics.feature,
        properties: ['read'],
        onRead: () =>
          encodeBloodPressureFeature({
            bodyMovementDetection: true,
            cuffFitDetection: true,
            irregularPulseDetection: true,
            pulseRateRangeDetection: true,
            measurementPositionDetection: false,
            multipleBonds: false,
          }),
      },
    ],
    racp: true,
    clockCharacteristic: '2a08',
    clock: options.clock === undefined ? '2026-01-01T00:00:00' : options.clock,
    ...(options.now && { now: options.now }),
    encode: encodeBloodPressureMeasurement,
    stamp: (record, deviceTime) => ({ ...record, timestamp: deviceTime }),
    stored: options.stored ?? [],
  });
}
