import { SimulatedHealthDevice } from '@tm/ble';
import type { LocalDateTime } from '@tm/ieee11073';
import { encodeHealthSensorFeatures, encodeObservationBundle, segmentObservation } from './encoder';
import { MDC_OBSERVATION, MDC_UNIT, SPIROMETER_PROFILE } from './profile';

/** One spirometry test as the device stores it. */
export interface SpirometryRecord {
  fev1L: number;
  fvcL: number;
  pefLPerMin: number;
  /** null = the device clock was never set. */
  timestamp?: LocalDateTime | null;
  patient?: number;
}

export interface SimulatedSpirometerOptions {
  model?: string;
  serial?: string;
  address?: string;
  battery?: number;
  stored?: SpirometryRecord[];
  clock?: LocalDateTime | null;
  now?: () => Date;
  /** ATT value size; observations longer than this are segmented (default MTU 23 -> 20). */
  maxValueLength?: number;
}

export type SimulatedSpirometer = SimulatedHealthDevice<SpirometryRecord>;

/** One test as a GHS observation bundle: FEV1, FVC, FEV1/FVC, PEF sharing one time stamp. */
export function encodeSpirometryRecord(r: SpirometryRecord): Uint8Array {
  return encodeObservationBundle({
    ...(r.timestamp ? { timestamp: { local: r.timestamp } } : {}),
    ...(r.patient !== undefined && { patient: r.patient }),
    observations: [
      { observationType: MDC_OBSERVATION.fev1, unitCode: MDC_UNIT.litre, value: r.fev1L },
      { observationType: MDC_OBSERVATION.fvc, unitCode: MDC_UNIT.litre, value: r.fvcL },
      { observationType: MDC_OBSERVATION.fev1FvcRatio, unitCode: MDC_UNIT.percent, value: Math.round((r.fev1L / r.fvcL) * 1000) / 10 },
      { observationType: MDC_OBSERVATION.pef, unitCode: MDC_UNIT.litrePerMinute, value: r.pefLPerMin },
    ],
  });
}

/** A GHS spirometer: stored observations over RACP, live observations, Current Time. */
export function simulatedSpirometer(options: SimulatedSpirometerOptions = {}): SimulatedSpirometer {
  const { service, characteristics } = SPIROMETER_PROFILE;
  let counter = 0;
  return new SimulatedHealthDevice<SpirometryRecord>({
    address: options.address ?? 'c8:5d:00:00:11:40',
    localName: options.model ?? 'GHS Spirometer',
    model: options.model ?? 'GHS Spirometer',
    manufacturer: 'Telemonitoring demo',
    serial: options.serial ?? 'SP-000777',
    battery: options.battery ?? 70,
    service,
    measurementUuid: characteristics.storedHealthObservations,
    liveUuid: characteristics.liveHealthObservations,
    measurementProperty: 'indicate',
    extraCharacteristics: [
      {
        uuid: characteristics.healthSensorFeatures,
        properties: ['read'],
        onRead: () => encodeHealthSensorFeatures({ supportedObservationTypes: Object.values(MDC_OBSERVATION) }),
      },
    ],
    racp: true,
    clockCharacteristic: '2a2b',
    clock: options.clock === undefined ? '2026-01-01T00:00:00' : options.clock,
    ...(options.now && { now: options.now }),
    encode: (record) => {
      const segments = segmentObservation(encodeSpirometryRecord(record), options.maxValueLength ?? 20, counter);
      counter = (counter + segments.length) & 0x3f;
      return segments;
    },
    stamp: (record, deviceTime) => ({ ...record, timestamp: deviceTime }),
    stored: options.stored ?? [],
  });
}
