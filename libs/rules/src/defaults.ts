import { LOINC, type Programme, type ThresholdRule } from '@tm/contracts';

/**
 * Programme defaults. Each number is traced to its clinical source (or called a default for
 * review) in libs/rules/README.md; change the table there when a number changes here.
 */
const pulse: ThresholdRule[] = [
  { rule: 'pulse-high', kind: 'absolute', code: LOINC.pulse, direction: 'high', unit: '/min', yellow: 110, red: 130 },
  { rule: 'pulse-low', kind: 'absolute', code: LOINC.pulse, direction: 'low', unit: '/min', yellow: 50, red: 40 },
];

/** Daily weighings wander by a few hours; 6 h of grace keeps "the same morning" inside a whole-day window. */
export const WEIGHT_WINDOW_GRACE_HOURS = 6;
/** More than 5 kg per day (of the span, at least 5 kg) is not a body changing: check the reading. */
export const IMPLAUSIBLE_WEIGHT_CHANGE = { above: 5, withinHours: 24 } as const;

/**
 * A red from one reading far below the patient's own level asks for a repeat first (yellow "repeat
 * to confirm"); a second red-level reading within this time makes it red (issue 17, item 11):
 * spirometry needs repeatable manoeuvres (ATS/ERS), and one oximeter reading 6 points off a steady
 * median is as often a cold finger. 60 min: default for clinical review.
 */
export const CONFIRM_BASELINE_RED_MINUTES = 60;

export const TELEKOL_DEFAULTS: readonly ThresholdRule[] = [
  { rule: 'spo2-low', kind: 'absolute', code: LOINC.spo2, direction: 'low', unit: '%', yellow: 92, red: 88 },
  { rule: 'spo2-baseline-drop', kind: 'baseline', code: LOINC.spo2, statistic: 'median', windowDays: 14, minSamples: 7, yellow: 4, red: 6, confirmRedWithinMinutes: CONFIRM_BASELINE_RED_MINUTES },
  {
    rule: 'fev1-baseline-drop',
    kind: 'baseline',
    code: LOINC.fev1,
    statistic: 'mean-sd',
    windowDays: 7,
    minSamples: 5,
    sdFloor: 0.1,
    minDrop: 0.15,
    yellow: 1.645,
    redDropPercent: 30,
    confirmRedWithinMinutes: CONFIRM_BASELINE_RED_MINUTES,
  },
  {
    // a slow fall over weeks, which a 7-day mean follows down: measured from the personal best
    rule: 'fev1-below-best',
    kind: 'baseline',
    code: LOINC.fev1,
    statistic: 'best',
    windowDays: 90,
    minSamples: 5,
    minDrop: 0.15,
    yellow: 20,
    red: 30,
    confirmRedWithinMinutes: CONFIRM_BASELINE_RED_MINUTES,
  },
  ...pulse,
  { rule: 'missing-pulse-oximetry', kind: 'missing', type: 'pulse_oximetry', afterHours: 48, severity: 'yellow' },
  { rule: 'missing-spirometry', kind: 'missing', type: 'spirometry', afterHours: 48, severity: 'yellow' },
];

export const TELEHJERTE_DEFAULTS: readonly ThresholdRule[] = [
  {
    rule: 'weight-gain',
    kind: 'change',
    code: LOINC.bodyWeight,
    direction: 'rise',
    unit: 'kg',
    windowHours: 72,
    graceHours: WEIGHT_WINDOW_GRACE_HOURS,
    implausible: IMPLAUSIBLE_WEIGHT_CHANGE,
    compare: 'first-of-day',
    yellow: 1,
    red: 2,
  },
  {
    rule: 'weight-gain-24h',
    kind: 'change',
    code: LOINC.bodyWeight,
    direction: 'rise',
    unit: 'kg',
    windowHours: 24,
    graceHours: WEIGHT_WINDOW_GRACE_HOURS,
    implausible: IMPLAUSIBLE_WEIGHT_CHANGE,
    compare: 'first-of-day',
    yellow: 1,
  },
  {
    rule: 'weight-loss',
    kind: 'change',
    code: LOINC.bodyWeight,
    direction: 'fall',
    unit: 'kg',
    windowHours: 72,
    graceHours: WEIGHT_WINDOW_GRACE_HOURS,
    implausible: IMPLAUSIBLE_WEIGHT_CHANGE,
    compare: 'first-of-day',
    yellow: 2,
  },
  {
    // a slow gain the 3-day rule misses (+0.3 kg every morning)
    rule: 'weight-gain-7d',
    kind: 'change',
    code: LOINC.bodyWeight,
    direction: 'rise',
    unit: 'kg',
    windowHours: 7 * 24,
    graceHours: WEIGHT_WINDOW_GRACE_HOURS,
    implausible: IMPLAUSIBLE_WEIGHT_CHANGE,
    compare: 'first-of-day',
    yellow: 1.5,
    red: 2.5,
  },
  { rule: 'systolic-high', kind: 'absolute', code: LOINC.systolic, direction: 'high', unit: 'mm[Hg]', yellow: 160, red: 180 },
  { rule: 'systolic-low', kind: 'absolute', code: LOINC.systolic, direction: 'low', unit: 'mm[Hg]', yellow: 90, red: 80 },
  ...pulse,
  { rule: 'irregular-pulse', kind: 'flag', type: 'blood_pressure', flag: 'irregularPulse', severity: 'yellow' },
  { rule: 'missing-body-weight', kind: 'missing', type: 'body_weight', afterHours: 48, severity: 'yellow' },
  { rule: 'missing-blood-pressure', kind: 'missing', type: 'blood_pressure', afterHours: 48, severity: 'yellow' },
];

export const PROGRAMME_DEFAULTS: Readonly<Record<Programme, readonly ThresholdRule[]>> = {
  TeleKOL: TELEKOL_DEFAULTS,
  TeleHjerte: TELEHJERTE_DEFAULTS,
};

/**
 * Personal limits a physician can start from, by name. `copd-lives-at-88-92`: a COPD patient at
 * risk of hypercapnia whose usual SpO2 is 88–92 % (the BTS target range) would be yellow every
 * day under the programme's < 92 %; yellow below the target range (< 88 %), red 3 points below it
 * (< 85 %). The drop from the patient's own median (spo2-baseline-drop) still applies.
 */
export const PERSONAL_PRESETS: Readonly<Record<string, { programme: Programme; rules: readonly ThresholdRule[] }>> = {
  'copd-lives-at-88-92': {
    programme: 'TeleKOL',
    rules: [
      { rule: 'spo2-low', kind: 'absolute', code: LOINC.spo2, direction: 'low', unit: '%', yellow: 88, red: 85 },
      // above the target range on oxygen: risk of oxygen-induced hypercapnia (BTS 2017); yellow, "turn the oxygen down"
      { rule: 'spo2-above-target', kind: 'absolute', code: LOINC.spo2, direction: 'high', unit: '%', yellow: 96 },
    ],
  },
  // A physician's setting: permanent atrial fibrillation is known, so the cuff's irregular-pulse flag says nothing new.
  'known-permanent-af': {
    programme: 'TeleHjerte',
    rules: [{ rule: 'irregular-pulse', kind: 'flag', type: 'blood_pressure', flag: 'irregularPulse', severity: 'yellow', off: true, offReason: 'known permanent atrial fibrillation' }],
  },
};

/** Margins above a target ("dry") weight: yellow above target + 1 kg, red above target + 2 kg (defaults for clinical review). */
export const TARGET_WEIGHT_MARGINS = { yellow: 1, red: 2 } as const;

/**
 * The personal rule for a target ("dry") weight a clinician sets (issue 17, item 3): yellow and red
 * above it by the margins given (default TARGET_WEIGHT_MARGINS). Store it with the patient's
 * personal rules (PUT thresholds); check it with personalLimitProblems from @tm/contracts.
 */
export function targetWeightRule(targetKg: number, margins: { yellow?: number; red?: number } = {}): ThresholdRule {
  const yellow = margins.yellow ?? TARGET_WEIGHT_MARGINS.yellow;
  const red = margins.red ?? TARGET_WEIGHT_MARGINS.red;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { rule: 'weight-above-target', kind: 'absolute', code: LOINC.bodyWeight, direction: 'high', unit: 'kg', target: targetKg, yellow: round(targetKg + yellow), red: round(targetKg + red) };
}

/** A rule as it stands for one patient: where it came from and since when it applies. */
export type RuleInForce = ThresholdRule & {
  source: 'programme' | 'patient';
  /** ISO instant the patient's thresholds took effect; null for untouched programme defaults */
  effectiveFrom: string | null;
  changedBy: string | null;
  /** the same, as the thresholds view shows it (RuleProvenance in @tm/contracts) */
  personal: boolean;
  setBy: string | null;
  setAt: string | null;
};

export interface PatientOverride {
  rules: readonly ThresholdRule[];
  effectiveFrom: string;
  changedBy: string | null;
}

/** Two rules watch the same thing: same kind and code (or type), same direction or statistic. */
function sameWatch(a: ThresholdRule, b: ThresholdRule): boolean {
  switch (a.kind) {
    case 'absolute':
    case 'change':
      return b.kind === a.kind && b.code === a.code && b.direction === a.direction;
    case 'baseline':
      return b.kind === 'baseline' && b.code === a.code && b.statistic === a.statistic;
    case 'missing':
      return b.kind === 'missing' && b.type === a.type;
    case 'flag':
      return b.kind === 'flag' && b.type === a.type && b.flag === a.flag;
  }
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A personal rule over the programme rule it replaces. The personal limits apply as set — a
 * physician may move the red (e.g. SpO2 red below 85 % for a patient who lives at 88–92 %) and
 * may drop the yellow — but a personal rule without a red keeps the programme's red: programme
 * reds cannot be switched off. Settings the personal rule does not mention (a window's grace,
 * the implausible-change check, a baseline's floors) stay as the programme has them.
 */
function overProgramme(programme: ThresholdRule, own: ThresholdRule): ThresholdRule {
  // a red flag rule is a programme red: it cannot be switched off
  if (own.kind === 'flag' && programme.kind === 'flag' && own.off === true && programme.severity === 'red') return programme;
  if ((own.kind !== 'absolute' && own.kind !== 'change' && own.kind !== 'baseline') || own.kind !== programme.kind) return own;
  const merged = { ...programme, ...own, yellow: own.yellow, red: own.red ?? programme.red } as ThresholdRule;
  if (merged.kind === 'baseline' && programme.kind === 'baseline' && own.kind === 'baseline')
    merged.redDropPercent = own.redDropPercent ?? programme.redDropPercent;
  return withoutUndefined(merged);
}

/** A name for a personal rule that cannot keep the one it came with. */
function freeName(name: string, taken: Set<string>): string {
  let candidate = `${name}-personal`;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name}-personal-${i}`;
  taken.add(candidate);
  return candidate;
}

/**
 * The rules in force for a patient: the programme's defaults, with each per-patient rule of the
 * same name replacing the programme rule when it watches the same thing (same kind, code and
 * direction), merged so the programme's red still applies where the personal rule sets none. A
 * personal rule that reuses a programme rule's name for something else (`spo2-low` re-coded to
 * pulse) does not switch the programme rule off: the programme rule stays, and the personal one is
 * added as `<name>-personal` (refuse such a body on PUT with overrideConflicts). Per-patient rules
 * of new names are added. The result is what an alert records as its threshold, so it carries
 * the time the override took effect and who set it.
 */
export function rulesInForce(programme: Programme, override?: PatientOverride | null): RuleInForce[] {
  const programmeRules = PROGRAMME_DEFAULTS[programme];
  const personalRules = override?.rules ?? [];
  const fromProgramme: Pick<RuleInForce, 'source' | 'effectiveFrom' | 'changedBy' | 'personal' | 'setBy' | 'setAt'> = {
    source: 'programme',
    effectiveFrom: null,
    changedBy: null,
    personal: false,
    setBy: null,
    setAt: null,
  };
  const fromPatient = {
    source: 'patient' as const,
    effectiveFrom: override?.effectiveFrom ?? null,
    changedBy: override?.changedBy ?? null,
    personal: true,
    setBy: override?.changedBy ?? null,
    setAt: override?.effectiveFrom ?? null,
  };
  const personalByName = new Map(personalRules.map((r) => [r.rule, r]));
  const taken = new Set([...programmeRules, ...personalRules].map((r) => r.rule));

  const inForce: RuleInForce[] = programmeRules.map((p) => {
    const own = personalByName.get(p.rule);
    return own && sameWatch(p, own) ? { ...overProgramme(p, own), ...fromPatient } : { ...p, ...fromProgramme };
  });
  for (const own of personalRules) {
    const p = programmeRules.find((r) => r.rule === own.rule);
    if (!p) inForce.push({ ...own, ...fromPatient });
    else if (!sameWatch(p, own)) inForce.push({ ...own, rule: freeName(own.rule, taken), ...fromPatient });
  }
  return inForce;
}

/**
 * Personal rules that reuse a programme rule's name for something else. A PUT of thresholds with
 * any should be refused with these messages: the programme rule would stay in force anyway.
 */
export function overrideConflicts(programme: Programme, rules: readonly ThresholdRule[]): { rule: string; message: string }[] {
  return rules.flatMap((own) => {
    const p = PROGRAMME_DEFAULTS[programme].find((r) => r.rule === own.rule);
    if (!p || sameWatch(p, own)) return [];
    return [
      {
        rule: own.rule,
        message: `${own.rule} is the ${programme} programme's rule for ${'code' in p ? p.code : p.type}; a personal rule of that name must watch the same thing (${p.kind}). Give the new rule a name of its own: the programme rule cannot be switched off.`,
      },
    ];
  });
}
