import { readProfileSession, type DeviceDriver } from '@tm/ble';
import { decodeWeightMeasurement } from './decoder';
import { WEIGHT_SCALE_PROFILE } from './profile';

const { service, characteristics } = WEIGHT_SCALE_PROFILE;

/**
 * Weight scales (WSP): a scale indicates the readings it has not delivered yet as soon as the
 * gateway subscribes to 0x2A9D, and forgets each once the indication is confirmed. RACP is used
 * only on the rare scale that has one.
 */
export const weightScaleDriver: DeviceDriver = {
  profile: 'weight-scale',
  serviceUuid: service,
  readSession: (peripheral, options) =>
    readProfileSession(peripheral, options, {
      defaultModel: 'Weight scale',
      measurementUuids: [characteristics.measurement],
      decode: (_uuid, data) => decodeWeightMeasurement(data),
      racp: true,
    }),
};
