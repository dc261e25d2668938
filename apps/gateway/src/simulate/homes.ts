import { join } from 'node:path';
import type { DeviceReading, DeviceSessionResult } from '@tm/ble';
import { createVirtualNoble } from '@tm/ble';
import { localToInstant } from '../clock';
import { DeviceBinding, parseGatewayConfig, systemTimeZone } from '../config';
import { Gateway } from '../gateway';
import type { Logger } from '../log';
import { copdDay, heartFailureDay } from './physiology';

/**
 * The demo's simulated homes, composed in this one file: one gateway per demo patient
 * (ARCHITECTURE.md §4 seed), each with the devices of the patient's programme. Readings go the
 * real way from the device session on: Measurement conversion (id, clock) -> durable outbox ->
 * MQTT -> ingestion -> receipt. The device sessions themselves are generated here; swapping
 * in the virtual radio with the profiles' simulated peripherals only changes `session`.
 */
export interface SimulatedHomesOptions {
  patients: number;
  brokerUrl: string;
  /** Live readings: one device session per home every interval. */
  intervalMs: number;
  dataDir: string;
  /** First send 30 days of history, as the devices' stored records. */
  backfill: boolean;
  logger: Logger;
  now?: () => Date;
}

export const BACKFILL_DAYS = 30;
const DAY = 86_400_000;

export interface DemoHome {
  n: number;
  gatewayId: string;
  secret: string;
  patientId: string;
  programme: 'TeleKOL' | 'TeleHjerte';
  devices: Array<{ deviceId: string; deviceModel: string; profile: DeviceBinding['profile'] }>;
}

export function demoHome(n: number): DemoHome {
  const patientId = `pt-${String(n).padStart(3, '0')}`;
  const copd = n <= 5 || n === 11;
  const tag = String(n).padStart(4, '0');
  return {
    n,
    gatewayId: `demo-gw-${n}`,
    secret: `demo-gw-${n}-secret`,
    patientId,
    programme: copd ? 'TeleKOL' : 'TeleHjerte',
    devices: copd
      ? [
          { deviceId: `NONIN3230-${tag}`, deviceModel: 'Nonin 3230', profile: 'pulse-oximeter' },
          { deviceId: `GHS-SPIRO-${tag}`, deviceModel: 'GHS spirometer', profile: 'spirometer' },
        ]
      : [
          { deviceId: `UC352-${tag}`, deviceModel: 'A&D UC-352BLE', profile: 'weight-scale' },
          { deviceId: `UA651-${tag}`, deviceModel: 'A&D UA-651BLE', profile: 'blood-pressure' },
        ],
  };
}

/** The readings a device of the home holds for one day, at the patient's usual morning time. */
export function readingsFor(home: DemoHome, device: DemoHome['devices'][number], day: number, deviceTime: string): DeviceReading[] {
  const base = { deviceId: device.deviceId, deviceModel: device.deviceModel, deviceAddress: '', deviceTime, userId: null, flags: {}, recordSequence: day };
  switch (device.profile) {
    case 'pulse-oximeter': {
      const r = copdDay(home.n, day);
      return [{ ...base, type: 'pulse_oximetry', components: [{ code: '59408-5', value: r.spo2, unit: '%' }, { code: '8867-4', value: r.pulse, unit: '/min' }] }];
    }
    case 'spirometer': {
      const r = copdDay(home.n, day);
      const components = [
        { code: '20150-9', value: r.fev1, unit: 'L' },
        { code: '19868-9', value: r.fvc, unit: 'L' },
        { code: '19926-5', value: Math.round((r.fev1 / r.fvc) * 100), unit: '%' },
        { code: '19935-6', value: r.pef, unit: 'L/min' },
      ];
      return [{ ...base, type: 'spirometry', components }];
    }
    case 'weight-scale':
      return [{ ...base, type: 'body_weight', components: [{ code: '29463-7', value: heartFailureDay(home.n, day).weight, unit: 'kg' }] }];
    case 'blood-pressure': {
      const r = heartFailureDay(home.n, day);
      const components = [
        { code: '8480-6', value: r.systolic, unit: 'mm[Hg]' },
        { code: '8462-4', value: r.diastolic, unit: 'mm[Hg]' },
        { code: '8867-4', value: r.pulse, unit: '/min' },
      ];
      return [{ ...base, type: 'blood_pressure', components, userId: 1 }];
    }
  }
}

const localDate = (instant: number, timeZone: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));

export async function runSimulatedHomes(options: SimulatedHomesOptions): Promise<{ gateways: Gateway[]; stop: () => Promise<void> }> {
  const now = options.now ?? (() => new Date());
  const timeZone = systemTimeZone();
  const homes = Array.from({ length: Math.min(options.patients, 11) }, (_, i) => demoHome(i + 1));
  const gateways: Array<{ home: DemoHome; gateway: Gateway }> = [];
  for (const home of homes) {
    const config = parseGatewayConfig({
      gatewayId: home.gatewayId,
      secret: home.secret,
      brokerUrl: options.brokerUrl,
      dataDir: join(options.dataDir, home.gatewayId),
      timeZone,
      devices: home.devices.map((d) => ({ deviceId: d.deviceId, profile: d.profile, patientId: home.patientId })),
    });
    const gateway = new Gateway({ config, logger: options.logger.child({ gatewayId: home.gatewayId }), drivers: [], radio: () => createVirtualNoble([]), now });
    await gateway.start();
    gateways.push({ home, gateway });
  }

  const today = Math.floor(localToInstant(`${localDate(now().getTime(), timeZone)}T00:00:00`, 'UTC')! / DAY);
  const session = async (home: DemoHome, gateway: Gateway, device: DemoHome['devices'][number], days: Array<{ day: number; deviceTime: string }>): Promise<void> => {
    const result: DeviceSessionResult = {
      deviceId: device.deviceId,
      deviceModel: device.deviceModel,
      battery: 90 - (home.n % 4) * 10,
      deviceClock: null,
      readings: days.flatMap(({ day, deviceTime }) => readingsFor(home, device, day, deviceTime)),
    };
    const binding: DeviceBinding = { deviceId: device.deviceId, profile: device.profile, patientId: home.patientId };
    await gateway.recordSession(result, binding, now());
  };

  if (options.backfill) {
    for (const { home, gateway } of gateways) {
      for (const device of home.devices) {
        const minute = String(10 + home.n * 3 + device.profile.length).padStart(2, '0');
        const days = Array.from({ length: BACKFILL_DAYS }, (_, i) => {
          const day = today - BACKFILL_DAYS + i;
          return { day, deviceTime: `${new Date(day * DAY).toISOString().slice(0, 10)}T07:${minute}:00` };
        });
        await session(home, gateway, device, days);
      }
    }
  }

  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    for (const { home, gateway } of gateways) {
      const device = home.devices[tick % home.devices.length];
      if (!device) continue;
      // Live readings vary around today's physiology; each tick is its own record.
      const at = now();
      const local = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium' }).format(at).replace(' ', 'T');
      session(home, gateway, device, [{ day: today + Math.floor(tick / 8), deviceTime: local }]).catch((e: Error) =>
        options.logger.error({ gatewayId: home.gatewayId, error: e.message }, 'simulated session failed'),
      );
    }
  }, options.intervalMs);

  return {
    gateways: gateways.map((g) => g.gateway),
    stop: async () => {
      clearInterval(timer);
      for (const { gateway } of gateways) await gateway.stop();
    },
  };
}
