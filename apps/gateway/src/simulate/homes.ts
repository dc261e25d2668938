import { join } from 'node:path';
import { createVirtualNoble, type SimulatedHealthDevice } from '@tm/ble';
import { dayNumber, localDate, localDateTime } from '@tm/contracts';
import { simulatedBloodPressureMonitor, type BloodPressureRecord } from '@tm/device-blood-pressure';
import { simulatedPulseOximeter, type SpotCheckRecord } from '@tm/device-pulse-oximeter';
import { simulatedSpirometer, type SpirometryRecord } from '@tm/device-spirometer';
import { simulatedWeightScale, type WeightRecord } from '@tm/device-weight-scale';
import { DeviceBinding, parseGatewayConfig, systemTimeZone } from '../config';
import { supportedDrivers } from '../drivers';
import { Gateway } from '../gateway';
import type { Logger } from '../log';
import { copdDay, heartFailureDay } from './physiology';

/**
 * The demo's simulated homes, composed in this one file: one gateway per demo patient
 * (ARCHITECTURE.md §4 seed), each with its own virtual radio hosting the simulated devices of
 * the patient's programme. Everything from there on is the real path: the profile drivers on
 * noble (clock, RACP download of the stored month, indications), Measurement conversion,
 * durable outbox, MQTT, ingestion, receipt.
 */
export interface SimulatedHomesOptions {
  patients: number;
  brokerUrl: string;
  /** Live readings: in each home, one device takes a reading every interval. */
  intervalMs: number;
  dataDir: string;
  /** The devices start with 30 days of stored records (history for the demo). */
  backfill: boolean;
  logger: Logger;
  now?: () => Date;
}

export const BACKFILL_DAYS = 30;
/** Live readings move the patients' physiology on by a day every this many readings, so episodes (and alerts) happen during a demo. */
export const LIVE_READINGS_PER_DAY = 8;
const DAY = 86_400_000;

type Profile = DeviceBinding['profile'];

export interface DemoHome {
  n: number;
  gatewayId: string;
  secret: string;
  patientId: string;
  programme: 'TeleKOL' | 'TeleHjerte';
  profiles: Profile[];
}

export function demoHome(n: number): DemoHome {
  const copd = n <= 5 || n === 11;
  return {
    n,
    gatewayId: `demo-gw-${n}`,
    secret: `demo-gw-${n}-secret`,
    patientId: `pt-${String(n).padStart(3, '0')}`,
    programme: copd ? 'TeleKOL' : 'TeleHjerte',
    profiles: copd ? ['pulse-oximeter', 'spirometer'] : ['weight-scale', 'blood-pressure'],
  };
}

/** What a device of the home stores for one day of the patient's physiology. */
export type DeviceRecord = SpotCheckRecord | SpirometryRecord | WeightRecord | BloodPressureRecord;
export function recordFor(home: DemoHome, profile: Profile, day: number): DeviceRecord {
  switch (profile) {
    case 'pulse-oximeter': {
      const r = copdDay(home.n, day);
      return { spo2: r.spo2, pulseRate: r.pulse };
    }
    case 'spirometer': {
      const r = copdDay(home.n, day);
      return { fev1L: r.fev1, fvcL: r.fvc, pefLPerMin: r.pef };
    }
    case 'weight-scale':
      return { unit: 'kg', weightKg: heartFailureDay(home.n, day).weight };
    case 'blood-pressure': {
      const r = heartFailureDay(home.n, day);
      return { unit: 'mm[Hg]', systolic: r.systolic, diastolic: r.diastolic, meanArterial: Math.round((r.systolic + 2 * r.diastolic) / 3), pulseRate: r.pulse, userId: 1 };
    }
  }
}

interface SimulatedDevice {
  profile: Profile;
  address: string;
  device: SimulatedHealthDevice<DeviceRecord>;
}

const hex = (n: number): string => n.toString(16).padStart(2, '0');

function buildDevice(home: DemoHome, profile: Profile, k: number, stored: Array<{ day: number; timestamp: string }>, clock: string, now: () => Date): SimulatedDevice {
  const address = `02:7e:00:00:${hex(home.n)}:${hex(k)}`;
  const serial = `SIM-${home.gatewayId}-${k}`;
  const common = { address, serial, clock, now, battery: 95 - ((home.n * 7 + k * 13) % 40) };
  const records = stored.map(({ day, timestamp }) => ({ ...recordFor(home, profile, day), timestamp }));
  // The union of the record types is what takeReading receives; each device gets its own kind.
  const device = (() => {
    switch (profile) {
      case 'pulse-oximeter':
        return simulatedPulseOximeter({ ...common, stored: records as SpotCheckRecord[] });
      case 'spirometer':
        return simulatedSpirometer({ ...common, stored: records as SpirometryRecord[] });
      case 'weight-scale':
        return simulatedWeightScale({ ...common, stored: records as WeightRecord[] });
      case 'blood-pressure':
        return simulatedBloodPressureMonitor({ ...common, stored: records as BloodPressureRecord[] });
    }
  })() as SimulatedHealthDevice<DeviceRecord>;
  return { profile, address, device };
}

export async function runSimulatedHomes(options: SimulatedHomesOptions): Promise<{ gateways: Gateway[]; stop: () => Promise<void> }> {
  const now = options.now ?? (() => new Date());
  const timeZone = systemTimeZone();
  const homes = Array.from({ length: Math.min(options.patients, 11) }, (_, i) => demoHome(i + 1));
  const start = now().getTime();
  const history = options.backfill
    ? Array.from({ length: BACKFILL_DAYS }, (_, i) => localDate(start - (BACKFILL_DAYS - i) * DAY, timeZone))
    : [];
  const today = dayNumber(localDate(start, timeZone));
  const drivers = supportedDrivers();

  const running: Array<{ home: DemoHome; gateway: Gateway; devices: SimulatedDevice[] }> = [];
  for (const home of homes) {
    const devices = home.profiles.map((profile, k) => {
      const minute = String(10 + ((home.n * 7 + k * 11) % 40));
      const stored = history.map((date) => ({ day: dayNumber(date), timestamp: `${date}T07:${minute}:00` }));
      // One home has an oximeter whose clock runs 4 minutes fast: the gateway corrects its readings.
      const skew = home.n === 3 && k === 0 ? 4 * 60_000 : 0;
      return buildDevice(home, profile, k, stored, localDateTime(now().getTime() + skew, timeZone), now);
    });
    const config = parseGatewayConfig({
      gatewayId: home.gatewayId,
      secret: home.secret,
      brokerUrl: options.brokerUrl,
      dataDir: join(options.dataDir, home.gatewayId),
      timeZone,
      devices: devices.map((d) => ({
        address: d.address,
        profile: d.profile,
        patientId: home.patientId,
        ...(d.profile === 'blood-pressure' && { bpUserSlots: { '1': home.patientId } }),
      })),
    });
    const gateway = new Gateway({
      config,
      logger: options.logger.child({ gatewayId: home.gatewayId }),
      drivers,
      radio: () => createVirtualNoble(devices.map((d) => d.device.peripheral)),
      now,
      scanMs: 1_000,
      revisitMs: Math.max(2_000, Math.min(options.intervalMs / 2, 30_000)),
      listenMs: 300,
    });
    await gateway.start();
    running.push({ home, gateway, devices });
  }

  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    const day = today + Math.floor(tick / LIVE_READINGS_PER_DAY);
    for (const { home, devices } of running) {
      const d = devices[tick % devices.length];
      d?.device.takeReading(recordFor(home, d.profile, day));
    }
  }, options.intervalMs);

  return {
    gateways: running.map((r) => r.gateway),
    stop: async () => {
      clearInterval(timer);
      for (const { gateway } of running) await gateway.stop();
    },
  };
}
