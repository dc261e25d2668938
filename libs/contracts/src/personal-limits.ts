import { LOINC } from './codes';
import type { ThresholdRule } from './thresholds';

/**
 * What a clinician could mean when setting a patient's personal limits, waits, plan start and
 * pause (issue 17, item 14). The schema (ThresholdRuleSchema) says a body is well-formed; these
 * bounds say it is clinically plausible: a personal SpO2 red of 60 % (then 70 % is only yellow) or
 * a 744-hour missing-data wait is a typing slip, not a decision. The REST side answers 400 with
 * these messages; each names the field. Every bound is a default for clinical review
 * (libs/rules/README.md, "Bounds on personal limits").
 */
export interface LimitProblem {
  /** the rule the problem is in, or null for a plan or pause field */
  rule: string | null;
  /** the field, as a path into the body ("rules.spo2-low.red", "startedAt") */
  field: string;
  message: string;
}

interface Bounds {
  min: number;
  max: number;
}

/** Bounds for absolute limits, by code and direction: red within [min, max]; yellow on the normal side of red, within `yellow`. */
export const ABSOLUTE_LIMIT_BOUNDS: Readonly<Record<string, { red: Bounds; yellow: Bounds; name: string; unit: string }>> = {
  [`${LOINC.spo2}:low`]: { red: { min: 75, max: 94 }, yellow: { min: 76, max: 96 }, name: 'SpO2', unit: '%' },
  [`${LOINC.spo2}:high`]: { red: { min: 94, max: 100 }, yellow: { min: 92, max: 99 }, name: 'SpO2 (upper warning)', unit: '%' },
  [`${LOINC.systolic}:high`]: { red: { min: 160, max: 220 }, yellow: { min: 130, max: 210 }, name: 'systolic', unit: 'mmHg' },
  [`${LOINC.systolic}:low`]: { red: { min: 60, max: 100 }, yellow: { min: 70, max: 110 }, name: 'systolic', unit: 'mmHg' },
  [`${LOINC.pulse}:high`]: { red: { min: 100, max: 160 }, yellow: { min: 90, max: 150 }, name: 'pulse', unit: '/min' },
  [`${LOINC.pulse}:low`]: { red: { min: 30, max: 55 }, yellow: { min: 35, max: 60 }, name: 'pulse', unit: '/min' },
  [`${LOINC.bodyWeight}:high`]: { red: { min: 30, max: 300 }, yellow: { min: 30, max: 300 }, name: 'weight', unit: 'kg' },
};
/** A change in weight: red and yellow amounts within 0.5–5 kg. */
export const WEIGHT_CHANGE_BOUNDS: Bounds = { min: 0.5, max: 5 };
/** A target ("dry") weight a clinician sets: 30–250 kg. */
export const TARGET_WEIGHT_BOUNDS: Bounds = { min: 30, max: 250 };
/** A personal best FEV1: 0.3–8 L. */
export const PERSONAL_BEST_FEV1_BOUNDS: Bounds = { min: 0.3, max: 8 };
/** A missing-data wait: 12 h to 7 days. */
export const MISSING_WAIT_HOURS_BOUNDS: Bounds = { min: 12, max: 168 };
/** A plan's start: within a year of today, either way. */
export const PLAN_START_WITHIN_DAYS = 366;
/** A pause: at most 90 days. */
export const MAX_PAUSE_DAYS = 90;

const DAY_MS = 86_400_000;

function outside(value: number | undefined, b: Bounds): boolean {
  return value !== undefined && (value < b.min || value > b.max);
}

/** The problems of one personal rule; empty when it is plausible. */
export function personalRuleProblems(rule: ThresholdRule): LimitProblem[] {
  const problems: LimitProblem[] = [];
  const at = (field: string, message: string) => problems.push({ rule: rule.rule, field: `rules.${rule.rule}.${field}`, message: `${rule.rule}.${field}: ${message}` });
  switch (rule.kind) {
    case 'absolute': {
      const b = ABSOLUTE_LIMIT_BOUNDS[`${rule.code}:${rule.direction}`];
      if (b) {
        if (outside(rule.red, b.red)) at('red', `a ${b.name} red limit of ${rule.red} ${b.unit} is outside ${b.red.min}–${b.red.max} ${b.unit}; check the number`);
        if (outside(rule.yellow, b.yellow)) at('yellow', `a ${b.name} yellow limit of ${rule.yellow} ${b.unit} is outside ${b.yellow.min}–${b.yellow.max} ${b.unit}; check the number`);
      }
      if (outside(rule.target, TARGET_WEIGHT_BOUNDS)) at('target', `a target weight of ${rule.target} kg is outside ${TARGET_WEIGHT_BOUNDS.min}–${TARGET_WEIGHT_BOUNDS.max} kg`);
      if (rule.target !== undefined && rule.red !== undefined && rule.red <= rule.target) at('red', `the red limit ${rule.red} kg must lie above the target weight ${rule.target} kg`);
      if (rule.target !== undefined && rule.yellow !== undefined && rule.yellow <= rule.target) at('yellow', `the yellow limit ${rule.yellow} kg must lie above the target weight ${rule.target} kg`);
      break;
    }
    case 'change':
      if (rule.code === LOINC.bodyWeight) {
        if (outside(rule.red, WEIGHT_CHANGE_BOUNDS)) at('red', `a weight change of ${rule.red} kg is outside ${WEIGHT_CHANGE_BOUNDS.min}–${WEIGHT_CHANGE_BOUNDS.max} kg`);
        if (outside(rule.yellow, WEIGHT_CHANGE_BOUNDS)) at('yellow', `a weight change of ${rule.yellow} kg is outside ${WEIGHT_CHANGE_BOUNDS.min}–${WEIGHT_CHANGE_BOUNDS.max} kg`);
      }
      break;
    case 'baseline':
      if (rule.code === LOINC.fev1 && outside(rule.personalBest, PERSONAL_BEST_FEV1_BOUNDS))
        at('personalBest', `a personal best FEV1 of ${rule.personalBest} L is outside ${PERSONAL_BEST_FEV1_BOUNDS.min}–${PERSONAL_BEST_FEV1_BOUNDS.max} L`);
      if (rule.statistic === 'best' && (outside(rule.yellow, { min: 5, max: 60 }) || outside(rule.red, { min: 10, max: 70 })))
        at('red', `a fall from the personal best is set in per cent: yellow 5–60 %, red 10–70 % (got yellow ${rule.yellow ?? '-'}, red ${rule.red ?? '-'})`);
      break;
    case 'missing':
      if (outside(rule.afterHours, MISSING_WAIT_HOURS_BOUNDS))
        at('afterHours', `a missing-data wait of ${rule.afterHours} h is outside ${MISSING_WAIT_HOURS_BOUNDS.min}–${MISSING_WAIT_HOURS_BOUNDS.max} h`);
      break;
    case 'flag':
      if (rule.off === true && !rule.offReason) at('offReason', 'say why the flag is switched off for this patient (e.g. known permanent atrial fibrillation)');
      if (rule.off === true && rule.severity === 'red') at('off', 'a red flag rule cannot be switched off');
      break;
  }
  return problems;
}

/** The problems of a set of personal rules; empty when every one is plausible. */
export function personalLimitProblems(rules: readonly ThresholdRule[]): LimitProblem[] {
  return rules.flatMap(personalRuleProblems);
}

/** A plan start more than a year from today is a typing slip (a wrong year). */
export function planStartProblem(startedAt: Date, now: Date): LimitProblem | null {
  const days = Math.abs(startedAt.getTime() - now.getTime()) / DAY_MS;
  return days > PLAN_START_WITHIN_DAYS
    ? { rule: null, field: 'startedAt', message: `startedAt ${startedAt.toISOString()} is more than a year from today; check the year` }
    : null;
}

/** A pause must end after it starts and last at most MAX_PAUSE_DAYS; a longer absence is a discharge or a new plan. */
export function pauseProblem(from: Date, until: Date): LimitProblem | null {
  if (until.getTime() <= from.getTime()) return { rule: null, field: 'pausedUntil', message: 'pausedUntil must lie after the start of the pause' };
  const days = (until.getTime() - from.getTime()) / DAY_MS;
  return days > MAX_PAUSE_DAYS ? { rule: null, field: 'pausedUntil', message: `a pause of ${Math.ceil(days)} days is longer than ${MAX_PAUSE_DAYS} days; end the programme or pause again later` } : null;
}
