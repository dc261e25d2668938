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
  /** Live readings: one step of a home's demo day (see TICKS_PER_DEMO_DAY and DEMO_DAY_SCHEDULE). */
  intervalMs: number;
  dataDir: string;
  /** The devices start with 30 days of stored records (history for the demo). */
  backfill: boolean;
  logger: Logger;
  now?: () => Date;
}

export const BACKFILL_DAYS = 30;
/**
 * A realistic ward (issue 17, item 13): most patients are well all month and stay green; three
 * have an episode, placed by the day it starts counted from the day the homes start (negative:
 * that many days before; positive: that many demo days into the demo). pt-002 is at the worst of
 * a COPD exacerbation when the demo opens (SpO2 lowest; the diary's story in
 * ingestion/src/demo/demo-answers.ts), pt-007 is on day 3 of fluid build-up (more than 2 kg in 3
 * days by today's weight; the diary's swollen ankles), and pt-004 starts an exacerbation a demo
 * day in, so the board changes while someone watches: FEV1 falls (yellow), then SpO2 (red).
 */
export const DEMO_EPISODES: Readonly<Record<number, number>> = { 2: -3, 7: -2, 4: 1 };
/**
 * The live loop runs in demo days of this many intervals (4.5 minutes at the CLI's 45 s), so an
 * episode unfolds within a demo. Each demo day moves the patients' physiology on by a day.
 */
export const TICKS_PER_DEMO_DAY = 6;
/**
 * What a home measures in a demo day, by step: the morning round (scale or oximeter, then the
 * cuff or the spirometer) and an evening spot check, as the programmes' plans ask. The scale is
 * stepped on once per calendar day only: the rules compare weights by the time they were taken
 * (the day's first weighing, over 24 h, 3 and 7 days), so a scale read every few minutes showed
 * "weight up 2.55 kg in 18 minutes".
 */
export const DEMO_DAY_SCHEDULE: Readonly<Record<number, Readonly<Record<DemoHome['programme'], Profile>>>> = {
  0: { TeleKOL: 'pulse-oximeter', TeleHjerte: 'weight-scale' },
  1: { TeleKOL: 'spirometer', TeleHjerte: 'blood-pressure' },
  3: { TeleKOL: 'pulse-oximeter', TeleHjerte: 'blood-pressure' },
};
const DAY = 86_400_000;

type Profile = DeviceBinding['profile'];

export interface DemoHome {
  n: number;
  gatewayId: string;
  secret: string;
  patientId: string;
  programme: 'TeleKOL' | 'TeleHjerte';
  profiles: Profile[];
  /** the day number the patient's episode starts on; null: none */
  episodeStart: number | null;
}

/** Demo home `n`; `startDay` (the day number the homes start on) places its episode, if it has one. */
export function demoHome(n: number, startDay = 0): DemoHome {
  const copd = n <= 5 || n === 11;
  const episode = DEMO_EPISODES[n];
  return {
    n,
    gatewayId: `demo-gw-${n}`,
    secret: `demo-gw-${n}-secret`,
    patientId: `pt-${String(n).padStart(3, '0')}`,
    programme: copd ? 'TeleKOL' : 'TeleHjerte',
    profiles: copd ? ['pulse-oximeter', 'spirometer'] : ['weight-scale', 'blood-pressure'],
    episodeStart: episode === undefined ? null : startDay + episode,
  };
}

/** What a device of the home stores for one day of the patient's physiology. */
export type DeviceRecord = SpotCheckRecord | SpirometryRecord | WeightRecord | BloodPressureRecord;
export function recordFor(home: DemoHome, profile: Profile, day: number): DeviceRecord {
  switch (profile) {
    case 'pulse-oximeter': {
      const r = copdDay(home.n, day, home.episodeStart);
      return { spo2: r.spo2, pulseRate: r.pulse };
    }
    case 'spirometer': {
      const r = copdDay(home.n, day, home.episodeStart);
      return { fev1L: r.fev1, fvcL: r.fvc, pefLPerMin: r.pef };
    }
    case 'weight-scale':
      return { unit: 'kg', weightKg: heartFailureDay(home.n, day, home.episodeStart).weight };
    case 'blood-pressure': {
      const r = heartFailureDay(home.n, day, home.episodeStart);
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
  const start = now().getTime();
  const today = dayNumber(localDate(start, timeZone));
  const homes = Array.from({ length: Math.min(options.patients, 11) }, (_, i) => demoHome(i + 1, today));
  const history = options.backfill
    ? Array.from({ length: BACKFILL_DAYS }, (_, i) => localDate(start - (BACKFILL_DAYS - i) * DAY, timeZone))
    : [];
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
  /** the calendar day each scale was last stepped on */
  const weighedOn = new Map<string, string>();
  const timer = setInterval(() => {
    const day = today + Math.floor(tick / TICKS_PER_DEMO_DAY);
    const step = DEMO_DAY_SCHEDULE[tick % TICKS_PER_DEMO_DAY];
    tick++;
    if (!step) return;
    const date = localDate(now().getTime(), timeZone);
    for (const { home, devices } of running) {
      const d = devices.find((x) => x.profile === step[home.programme]);
      if (!d) continue;
      if (d.profile === 'weight-scale') {
        if (weighedOn.get(d.address) === date) continue;
        weighedOn.set(d.address, date);
      }
      d.device.takeReading(recordFor(home, d.profile, day));
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
