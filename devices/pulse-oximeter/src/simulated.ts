import { SimulatedHealthDevice, type VirtualCharacteristic } from '@tm/ble';
import type { LocalDateTime } from '@tm/ieee11073';
import { encodeContinuousMeasurement, encodePlxFeatures, encodeSpotCheckMeasurement, type ContinuousRecord, type SpotCheckRecord } from './encoder';
import { PULSE_OXIMETER_PROFILE } from './profile';

export interface SimulatedPulseOximeterOptions {
  model?: string;
  serial?: string;
  address?: string;
  battery?: number;
  /** Stored spot-checks, each with its device time stamp. */
  stored?: SpotCheckRecord[];
  clock?: LocalDateTime | null;
  now?: () => Date;
  /** Samples streamed on 0x2A5F while the gateway listens, one per `sampleIntervalMs`. */
  continuous?: ContinuousRecord[];
  sampleIntervalMs?: number;
}

export type SimulatedPulseOximeter = SimulatedHealthDevice<SpotCheckRecord>;

/** A PLXP oximeter (Nonin 3230-like): spot-check memory over RACP, a continuous stream, Current Time. */
export function simulatedPulseOximeter(options: SimulatedPulseOximeterOptions = {}): SimulatedPulseOximeter {
  const { service, characteristics } = PULSE_OXIMETER_PROFILE;
  const samples = options.continuous ?? [];
  let timer: NodeJS.Timeout | undefined;
  const stopStream = (): void => clearInterval(timer);
  const continuous: VirtualCharacteristic = {
    uuid: characteristics.continuousMeasurement,
    properties: ['notify'],
    onSubscribe: (enabled) => {
      stopStream();
      if (!enabled || samples.length === 0) return;
      let next = 0;
      timer = setInterval(() => {
        const sample = samples[next++];
        if (!sample || !device.peripheral.send(characteristics.continuousMeasurement, encodeContinuousMeasurement(sample))) stopStream();
      }, options.sampleIntervalMs ?? 1000);
    },
  };
  const device: SimulatedPulseOximeter = new SimulatedHealthDevice<SpotCheckRecord>({
    address: options.address ?? '00:1c:05:32:30:01',
    localName: options.model ?? 'Nonin3230_501234567',
    model: options.model ?? 'Nonin 3230',
    manufacturer: 'Nonin Medical',
    serial: options.serial ?? '501234567',
    battery: options.battery ?? 80,
    service,
    measurementUuid: characteristics.spotCheckMeasurement,
    extraCharacteristics: [
      continuous,
      {
        uuid: characteristics.features,
        properties: ['read'],
        onRead: () =>
          encodePlxFeatures({
            measurementStatusSupport: true,
            deviceAndSensorStatusSupport: true,
            spotCheckMeasurementStorage: true,
            spotCheckTimestamp: true,
            spo2prFast: false,
            spo2prSlow: false,
            pulseAmplitudeIndex: false,
            multipleBonds: false,
            supportedMeasurementStatus: 0xffe0,
            supportedDeviceAndSensorStatus: 0xffff,
          }),
      },
    ],
    racp: true,
    clockCharacteristic: '2a2b',
    clock: options.clock === undefined ? '2026-01-01T00:00:00' : options.clock,
    ...(options.now && { now: options.now }),
    encode: encodeSpotCheckMeasurement,
    stamp: (record, deviceTime) => ({ ...record, timestamp: deviceTime, ...(deviceTime === null && { deviceClockNotSet: true }) }),
    stored: options.stored ?? [],
  });
  return device;
}
