import { LOINC, type Programme, type ThresholdRule } from '@tm/contracts';

/**
 * Programme defaults. Each number is traced to its source (or called a sensible default) in
 * libs/rules/README.md; change the table there when a number changes here.
 */
const pulse: ThresholdRule[] = [
  { rule: 'pulse-high', kind: 'absolute', code: LOINC.pulse, direction: 'high', unit: '/min', yellow: 110, red: 130 },
  { rule: 'pulse-low', kind: 'absolute', code: LOINC.pulse, direction: 'low', unit: '/min', yellow: 50, red: 40 },
];

export const TELEKOL_DEFAULTS: readonly ThresholdRule[] = [
  { rule: 'spo2-low', kind: 'absolute', code: LOINC.spo2, direction: 'low', unit: '%', yellow: 92, red: 88 },
  { rule: 'spo2-baseline-drop', kind: 'baseline', code: LOINC.spo2, statistic: 'median', windowDays: 14, minSamples: 7, yellow: 4 },
  { rule: 'fev1-baseline-drop', kind: 'baseline', code: LOINC.fev1, statistic: 'mean-sd', windowDays: 7, minSamples: 5, yellow: 1.645 },
  ...pulse,
  { rule: 'missing-pulse-oximetry', kind: 'missing', type: 'pulse_oximetry', afterHours: 48, severity: 'yellow' },
  { rule: 'missing-spirometry', kind: 'missing', type: 'spirometry', afterHours: 48, severity: 'yellow' },
];

export const TELEHJERTE_DEFAULTS: readonly ThresholdRule[] = [
  { rule: 'weight-gain', kind: 'change', code: LOINC.bodyWeight, direction: 'rise', unit: 'kg', windowHours: 72, yellow: 1, red: 2 },
  { rule: 'systolic-high', kind: 'absolute', code: LOINC.systolic, direction: 'high', unit: 'mm[Hg]', yellow: 160, red: 180 },
  { rule: 'systolic-low', kind: 'absolute', code: LOINC.systolic, direction: 'low', unit: 'mm[Hg]', yellow: 90, red: 80 },
  ...pulse,
  { rule: 'missing-body-weight', kind: 'missing', type: 'body_weight', afterHours: 48, severity: 'yellow' },
  { rule: 'missing-blood-pressure', kind: 'missing', type: 'blood_pressure', afterHours: 48, severity: 'yellow' },
];

export const PROGRAMME_DEFAULTS: Readonly<Record<Programme, readonly ThresholdRule[]>> = {
  TeleKOL: TELEKOL_DEFAULTS,
  TeleHjerte: TELEHJERTE_DEFAULTS,
};

/** A rule as it stands for one patient: where it came from and since when it applies. */
export type RuleInForce = ThresholdRule & {
  source: 'programme' | 'patient';
  /** ISO instant the patient's thresholds took effect; null for untouched programme defaults */
  effectiveFrom: string | null;
  changedBy: string | null;
};

export interface PatientOverride {
  rules: readonly ThresholdRule[];
  effectiveFrom: string;
  changedBy: string | null;
}

/**
 * The rules in force for a patient: the programme's defaults, with each per-patient rule replacing
 * the programme rule of the same name, and per-patient rules of new names added. The result is
 * what an alert records as its threshold, so it carries the time the override took effect.
 */
export function rulesInForce(programme: Programme, override?: PatientOverride | null): RuleInForce[] {
  const personal = new Map((override?.rules ?? []).map((r) => [r.rule, r]));
  const fromProgramme = PROGRAMME_DEFAULTS[programme].map((r): RuleInForce => {
    const own = personal.get(r.rule);
    return own && override
      ? { ...own, source: 'patient', effectiveFrom: override.effectiveFrom, changedBy: override.changedBy }
      : { ...r, source: 'programme', effectiveFrom: null, changedBy: null };
  });
  const names = new Set(PROGRAMME_DEFAULTS[programme].map((r) => r.rule));
  const added = (override?.rules ?? [])
    .filter((r) => !names.has(r.rule))
    .map((r): RuleInForce => ({ ...r, source: 'patient', effectiveFrom: override?.effectiveFrom ?? null, changedBy: override?.changedBy ?? null }));
  return [...fromProgramme, ...added];
}
