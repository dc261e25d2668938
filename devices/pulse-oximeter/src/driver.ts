import { readProfileSession, type DeviceDriver, type DeviceReading, type ReceivedReading } from '@tm/ble';
import { LOINC } from '@tm/contracts';
import { decodeContinuousMeasurement, decodeSpotCheckMeasurement } from './decoder';
import { PULSE_OXIMETER_PROFILE } from './profile';

const { service, characteristics } = PULSE_OXIMETER_PROFILE;

/** How many consecutive good-signal samples make a continuous reading stable. */
export const STABLE_SAMPLES = 8;

const isGoodSample = (r: DeviceReading): boolean =>
  r.flags.signalQuality !== 'poor' && r.components.some((c) => c.code === LOINC.spo2);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The trailing run of good samples: the signal after it settled, once the finger stopped moving. */
function trailingGoodRun(samples: DeviceReading[]): DeviceReading[] {
  const run: DeviceReading[] = [];
  for (let i = samples.length - 1; i >= 0 && isGoodSample(samples[i]!); i--) run.unshift(samples[i]!);
  return run;
}

/**
 * Continuous oximetry (about one sample a second) becomes ONE reading per session: the median
 * of the last STABLE_SAMPLES samples once the status reports no poor signal (low perfusion,
 * questionable pulse, sensor displaced ...). Without a stable stretch there is no reading —
 * a nurse must not act on a value taken while the finger was still moving.
 */
export function summarizeContinuous(samples: DeviceReading[]): DeviceReading | null {
  const stable = trailingGoodRun(samples).slice(-STABLE_SAMPLES);
  const last = stable[stable.length - 1];
  if (!last || stable.length < STABLE_SAMPLES) return null;
  const valuesOf = (code: string) => stable.flatMap((s) => s.components.filter((c) => c.code === code).map((c) => c.value));
  const spo2 = valuesOf(LOINC.spo2);
  const pulse = valuesOf(LOINC.pulse);
  return {
    ...last,
    components: [
      { code: LOINC.spo2, value: median(spo2), unit: '%' },
      ...(pulse.length > 0 ? [{ code: LOINC.pulse, value: median(pulse), unit: '/min' }] : []),
    ],
    flags: { continuous: true, signalQuality: 'good', samples: stable.length },
  };
}

function summarize(received: ReceivedReading[]): DeviceReading[] {
  const spotChecks = received.filter((r) => r.characteristicUuid === characteristics.spotCheckMeasurement).map((r) => r.reading);
  const continuous = summarizeContinuous(received.filter((r) => r.characteristicUuid === characteristics.continuousMeasurement).map((r) => r.reading));
  return continuous ? [...spotChecks, continuous] : spotChecks;
}

/**
 * Pulse oximeters (PLXP): spot-checks indicated on 0x2A5E and downloaded through RACP where the
 * device stores them; the continuous stream (0x2A5F) is listened to until it is stable.
 */
export const pulseOximeterDriver: DeviceDriver = {
  profile: 'pulse-oximeter',
  serviceUuid: service,
  readSession: (peripheral, options) =>
    readProfileSession(peripheral, options, {
      defaultModel: 'Pulse oximeter',
      measurementUuids: [characteristics.spotCheckMeasurement, characteristics.continuousMeasurement],
      decode: (uuid, data) => (uuid === characteristics.continuousMeasurement ? decodeContinuousMeasurement(data) : decodeSpotCheckMeasurement(data)),
      racp: true,
      streamUuids: [characteristics.continuousMeasurement],
      summarize,
      enough: (received) =>
        trailingGoodRun(received.filter((r) => r.characteristicUuid === characteristics.continuousMeasurement).map((r) => r.reading)).length >= STABLE_SAMPLES,
    }),
};
