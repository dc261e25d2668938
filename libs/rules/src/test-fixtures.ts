import { LOINC, type ThresholdRule } from '@tm/contracts';
import type { ObservationPoint } from './evaluate';

export const T0 = Date.parse('2026-11-01T07:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Measurement time `days` days (and `hours` hours) after the fixtures' day 0, 07:00 UTC. */
export function day(days: number, hours = 0): Date {
  return new Date(T0 + days * DAY + hours * HOUR);
}

const UNITS: Record<string, string> = {
  [LOINC.spo2]: '%',
  [LOINC.bodyWeight]: 'kg',
  [LOINC.systolic]: 'mm[Hg]',
  [LOINC.pulse]: '/min',
  [LOINC.fev1]: 'L',
  [LOINC.diastolic]: 'mm[Hg]',
};

/** One component of a measurement; `extra` carries the measurement's flags, timeUncertain or type. */
export function reading(id: string, code: string, value: number, measuredAt: Date, extra: Partial<ObservationPoint> = {}): ObservationPoint {
  return { measurementId: id, code, value, unit: UNITS[code] ?? '?', measuredAt, ...extra };
}

export function ruleNamed<R extends ThresholdRule>(rules: readonly R[], name: string): R {
  const r = rules.find((x) => x.rule === name);
  if (!r) throw new Error(`no rule ${name}`);
  return r;
}
