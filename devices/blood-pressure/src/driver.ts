import { readProfileSession, type DeviceDriver, type Peripheral, type ProfileSessionOptions } from '@tm/ble';
import { decodeBloodPressureMeasurement } from './decoder';
import { BLOOD_PRESSURE_PROFILE } from './profile';

const { service, characteristics } = BLOOD_PRESSURE_PROFILE;

/**
 * Blood pressure cuffs (BLP): readings are indicated on 0x2A35, stored ones downloaded through
 * RACP where the cuff has it. The clock is written at every connection because A&D cuffs
 * stamp readings with whatever their clock shows and lose it with the batteries.
 * Intermediate cuff pressure (0x2A36) is progress, not a reading, and is not subscribed.
 */
export const bloodPressureDriver: DeviceDriver = {
  profile: 'blood-pressure',
  serviceUuid: service,
  readSession: (peripheral: Peripheral, options: ProfileSessionOptions) =>
    readProfileSession(peripheral, options, {
      defaultModel: 'Blood pressure monitor',
      measurementUuids: [characteristics.measurement],
      decode: (_uuid, data) => decodeBloodPressureMeasurement(data),
      racp: true,
    }),
};
