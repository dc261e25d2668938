/**
 * The readings of the `homes` workload, shared by the bench (which checks the database for them)
 * and the load generator (which sends them): deterministic ids, valid `tm.measurements.v1`.
 */
import type { Measurement, Programme } from '@tm/contracts';

export interface HomeSpec {
  /** 0-based, across every load process: staggers the steady phase over the period */
  index: number;
  gatewayId: string;
  patientId: string;
  /** the secret the platform's enrolment returned (never the MQTT URL's credentials) */
  secret: string;
  programme: Programme;
  /** gets one SpO2 84 % reading, the most recent of its storm backlog (TeleKOL homes only) */
  red: boolean;
}

/** SpO2 84 % is below TeleKOL's red limit (< 88 %, libs/rules defaults.ts) and carries no quality flag: red, not "repeat". */
export const RED_SPO2 = 84;
export const BACKLOG_READINGS = 8;
const HOUR_MS = 3_600_000;

export const homeId = (n: number): string => String(n).padStart(5, '0');

/** Every reading id of a run starts with the run's prefix; the phase tag follows the home. */
export const steadyId = (run: string, home: HomeSpec, batch: number, j: number): string => `${run}-${home.gatewayId}-s${batch}-${j}`;
export const stormId = (run: string, home: HomeSpec, i: number): string => `${run}-${home.gatewayId}-b${i}`;

/** A reading in range for the home's programme (no alert): SpO2 for TeleKOL, blood pressure or weight for TeleHjerte. */
function inRange(home: HomeSpec, id: string, measuredAt: Date, k: number): Measurement {
  const base = { id, patientId: home.patientId, timeSource: 'device' as const, measuredAt: measuredAt.toISOString() };
  if (home.programme === 'TeleKOL')
    return {
      ...base,
      deviceId: `nonin-${home.gatewayId}`,
      deviceModel: 'Nonin 3230',
      type: 'pulse_oximetry',
      components: [
        { code: '59408-5', value: 95 + (k % 2), unit: '%' },
        { code: '8867-4', value: 70 + (k % 5), unit: '/min' },
      ],
    };
  if (k % 2 === 0)
    return {
      ...base,
      deviceId: `ua651-${home.gatewayId}`,
      deviceModel: 'A&D UA-651BLE',
      type: 'blood_pressure',
      components: [
        { code: '8480-6', value: 128 + (k % 4), unit: 'mm[Hg]' },
        { code: '8462-4', value: 82, unit: 'mm[Hg]' },
        { code: '8867-4', value: 68, unit: '/min' },
      ],
    };
  // the same weight every time: no weight-change rule fires
  return { ...base, deviceId: `uc352-${home.gatewayId}`, deviceModel: 'A&D UC-352BLE', type: 'body_weight', components: [{ code: '29463-7', value: 80, unit: 'kg' }] };
}

/** The `batch`-th steady batch of a home: 1–3 readings measured just now. */
export function steadyBatch(run: string, home: HomeSpec, batch: number, now: number): Measurement[] {
  const size = 1 + ((home.index + batch) % 3);
  return Array.from({ length: size }, (_, j) => inRange(home, steadyId(run, home, batch, j), new Date(now - (size - j) * 1000), batch + j));
}

/**
 * The backlog a home gathered during a 24-hour outage: 8 readings 3 hours apart, the newest
 * 5 minutes before `at`; for a red home the newest is SpO2 84 %.
 */
export function stormBacklog(run: string, home: HomeSpec, at: number): Measurement[] {
  return Array.from({ length: BACKLOG_READINGS }, (_, i) => {
    const measuredAt = new Date(at - 5 * 60_000 - (BACKLOG_READINGS - 1 - i) * 3 * HOUR_MS);
    const m = inRange(home, stormId(run, home, i), measuredAt, i);
    if (!home.red || i !== BACKLOG_READINGS - 1 || m.type !== 'pulse_oximetry') return m;
    return { ...m, components: [{ code: '59408-5', value: RED_SPO2, unit: '%' }, ...m.components.filter((c) => c.code !== '59408-5')] };
  });
}

export const componentCount = (ms: readonly Measurement[]): number => ms.reduce((s, m) => s + m.components.length, 0);
