import { readProfileSession, type DeviceDriver } from '@tm/ble';
import { decodeObservationBody, HealthObservationAssembler } from './decoder';
import { SPIROMETER_PROFILE } from './profile';

const { service, characteristics } = SPIROMETER_PROFILE;

/**
 * GHS spirometers: stored observations (0x2BDD) downloaded through RACP, live ones (0x2B8B) as
 * they are taken. Observations arrive in segments; each characteristic reassembles its own.
 */
export const spirometerDriver: DeviceDriver = {
  profile: 'spirometer',
  serviceUuid: service,
  readSession: (peripheral, options) => {
    const assemblers = new Map<string, HealthObservationAssembler>();
    return readProfileSession(peripheral, options, {
      defaultModel: 'Spirometer',
      measurementUuids: [characteristics.liveHealthObservations, characteristics.storedHealthObservations],
      decode: (uuid, data) => {
        const assembler = assemblers.get(uuid) ?? new HealthObservationAssembler();
        assemblers.set(uuid, assembler);
        const body = assembler.push(data);
        return body === null ? null : decodeObservationBody(body);
      },
      racp: true,
    });
  },
};
