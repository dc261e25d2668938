import { z } from 'zod';
import { CODE_DEFINITIONS, isObservationCode, MEASUREMENT_TYPES } from './codes';
import { InstantSchema } from './measurement';

export const PROGRAMMES = ['TeleKOL', 'TeleHjerte'] as const;
export const ProgrammeSchema = z.enum(PROGRAMMES);
export type Programme = z.infer<typeof ProgrammeSchema>;

export const SeveritySchema = z.enum(['yellow', 'red']);
export type Severity = z.infer<typeof SeveritySchema>;
export const TriageSchema = z.enum(['red', 'yellow', 'green']);
export type Triage = z.infer<typeof TriageSchema>;

const RuleName = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'rule names are lower-case words joined by -');
const Code = z.string().refine(isObservationCode, 'unknown observation code');
const Limit = z.number().finite().optional();
/**
 * After an acknowledgement, how much further from normal (in the finding's value: the reading, the
 * change or the drop) a later red must be to reach the nurse again as a new red. Absent: the
 * per-code default in @tm/rules (WORSE_AFTER_ACKNOWLEDGED).
 */
const ReraiseWorseBy = z.number().positive().optional();
/**
 * A red from one reading alone asks for a repeat first (yellow, "repeat to confirm"); a second red
 * reading of the code within this many minutes (before or after) makes it red. Absent: red at once.
 */
const ConfirmRedWithinMinutes = z.number().positive().max(24 * 60).optional();

/** value below (direction low) or above (high) a limit. */
export const AbsoluteRuleSchema = z.object({
  rule: RuleName,
  kind: z.literal('absolute'),
  code: Code,
  direction: z.enum(['low', 'high']),
  unit: z.string(),
  yellow: Limit,
  red: Limit,
  /**
   * A personal reference the limits are set from, shown in the message: the target ("dry") weight
   * a clinician set (yellow and red are then that weight plus a margin, see targetWeightRule).
   */
  target: z.number().positive().optional(),
  reraiseWorseBy: ReraiseWorseBy,
  confirmRedWithinMinutes: ConfirmRedWithinMinutes,
});
/**
 * A change no body can make: more than `above` (in the rule's unit) per `withinHours` of the span
 * between two readings (and at least `above`). Such a pair is "check the reading" (yellow), never red.
 */
export const ImplausibleChangeSchema = z.object({
  above: z.number().positive(),
  withinHours: z.number().positive().max(24 * 7),
});
/** change of a value within a window of measurement time (e.g. weight gain over 3 days). */
export const ChangeRuleSchema = z.object({
  rule: RuleName,
  kind: z.literal('change'),
  code: Code,
  direction: z.enum(['rise', 'fall']),
  unit: z.string(),
  windowHours: z.number().positive().max(24 * 31),
  /** slack on the window: daily weighings wander by an hour or two (absent: none) */
  graceHours: z.number().min(0).max(24).optional(),
  implausible: ImplausibleChangeSchema.optional(),
  /**
   * Which readings are compared: `all` (absent), or `first-of-day`: only the first reading of each
   * local day (Copenhagen), so a morning weight is never compared with an evening one.
   */
  compare: z.enum(['all', 'first-of-day']).optional(),
  yellow: Limit,
  red: Limit,
  reraiseWorseBy: ReraiseWorseBy,
});
/**
 * drop below the patient's own baseline: points below the median, standard deviations below the
 * mean, or (best) per cent below the patient's personal best (set by a clinician, else the best
 * reading in the window).
 */
export const BaselineRuleSchema = z.object({
  rule: RuleName,
  kind: z.literal('baseline'),
  code: Code,
  statistic: z.enum(['median', 'mean-sd', 'best']),
  windowDays: z.number().positive().max(90),
  minSamples: z.number().int().min(2).max(1000).default(5),
  /** mean-sd: the smallest spread used (in the code's unit), so identical readings still have a scale */
  sdFloor: z.number().positive().optional(),
  /** the smallest drop (in the code's unit, or points for %) that counts at all: below it is measurement noise */
  minDrop: z.number().positive().optional(),
  /** red when the reading is at least this many per cent below the baseline, whatever the spread */
  redDropPercent: z.number().positive().max(100).optional(),
  /** best: the patient's personal best a clinician set (in the code's unit); absent: the best reading in the window */
  personalBest: z.number().positive().optional(),
  /** yellow and red: points below the median (median), standard deviations below the mean (mean-sd), per cent below the best (best) */
  yellow: Limit,
  red: Limit,
  reraiseWorseBy: ReraiseWorseBy,
  confirmRedWithinMinutes: ConfirmRedWithinMinutes,
});
/** no measurement of an expected type for longer than the patient's schedule. */
export const MissingRuleSchema = z.object({
  rule: RuleName,
  kind: z.literal('missing'),
  type: z.enum(MEASUREMENT_TYPES),
  afterHours: z.number().positive().max(24 * 31),
  severity: SeveritySchema,
});

/**
 * A flag the device itself sets on a measurement (e.g. the blood pressure cuff's irregular pulse
 * bit), judged once per measurement of `type`.
 */
export const FlagRuleSchema = z.object({
  rule: RuleName,
  kind: z.literal('flag'),
  type: z.enum(MEASUREMENT_TYPES),
  flag: z.string().min(1).max(64),
  severity: SeveritySchema,
  /**
   * Switched off for this patient (a personal setting a physician makes, e.g. the irregular-pulse
   * flag for known permanent atrial fibrillation); `offReason` says why. Only a yellow flag rule can
   * be switched off: a programme red stays.
   */
  off: z.boolean().optional(),
  offReason: z.string().min(1).max(200).optional(),
});

/** Every kind an alert can have: the threshold rules' kinds, and `questionnaire` for answers (QuestionnaireRule). */
export const RULE_KINDS = ['absolute', 'change', 'baseline', 'missing', 'flag', 'questionnaire', 'message'] as const;
export const RuleKindSchema = z.enum(RULE_KINDS);
export type RuleKind = z.infer<typeof RuleKindSchema>;

export const ThresholdRuleSchema = z
  .discriminatedUnion('kind', [AbsoluteRuleSchema, ChangeRuleSchema, BaselineRuleSchema, MissingRuleSchema, FlagRuleSchema])
  .superRefine((r, ctx) => {
    if (r.kind === 'missing' || r.kind === 'flag') return;
    const redPercent = r.kind === 'baseline' ? r.redDropPercent : undefined;
    if (r.yellow === undefined && r.red === undefined && redPercent === undefined) ctx.addIssue({ code: 'custom', message: `${r.rule}: set a yellow or a red limit` });
    if (r.kind === 'absolute' || r.kind === 'change') {
      const unit = CODE_DEFINITIONS[r.code as keyof typeof CODE_DEFINITIONS]?.unit;
      if (unit && r.unit !== unit) ctx.addIssue({ code: 'custom', path: ['unit'], message: `${r.rule}: ${r.code} is measured in ${unit}, not ${r.unit}` });
    }
    if (r.yellow === undefined || r.red === undefined) return;
    // The yellow band lies between normal and red: closer to normal than the red limit.
    const yellowIsMilder =
      r.kind === 'absolute' ? (r.direction === 'low' ? r.yellow > r.red : r.yellow < r.red) : r.yellow < r.red;
    if (!yellowIsMilder) ctx.addIssue({ code: 'custom', path: ['yellow'], message: `${r.rule}: the yellow limit ${r.yellow} must lie inside the red limit ${r.red}` });
  });
export type ThresholdRule = z.infer<typeof ThresholdRuleSchema>;

export const ThresholdsBodySchema = z.object({
  rules: z.array(ThresholdRuleSchema).max(50).superRefine((rules, ctx) => {
    const names = new Set<string>();
    for (const r of rules) {
      if (names.has(r.rule)) ctx.addIssue({ code: 'custom', message: `rule ${r.rule} appears twice` });
      names.add(r.rule);
    }
  }),
  /**
   * The physician who approved these personal limits, by name (issue 17, item 14). Required to
   * switch a flag rule off (e.g. the irregular-pulse flag for known permanent AF).
   */
  approvedBy: z.string().trim().min(1).max(120).optional(),
  /** when the limits are to be reviewed (a date); absent: PERSONAL_LIMITS_REVIEW_DAYS from today */
  reviewOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'reviewOn is a date, YYYY-MM-DD').optional(),
});
/** Personal limits are reviewed after this many days unless a date is given: default for clinical review. */
export const PERSONAL_LIMITS_REVIEW_DAYS = 180;
export type ThresholdsBody = z.infer<typeof ThresholdsBodySchema>;

/**
 * Where a rule in force comes from, for the screen ("personal limits, set by ... on ..."). A
 * personal rule is one a clinician set for this patient (e.g. a physician's SpO2 limits for a
 * patient who lives at 88–92 %); programme rules are the programme's defaults.
 */
export const RuleProvenanceSchema = z.object({
  personal: z.boolean(),
  /** the user who set the personal rule; null for programme rules */
  setBy: z.string().nullable(),
  /** when the personal rule took effect; null for programme rules */
  setAt: InstantSchema.nullable(),
});
export type RuleProvenance = z.infer<typeof RuleProvenanceSchema>;

/** A rule as shown on GET thresholds: the rule, and (when the server fills it) where it comes from. */
export const ThresholdRuleViewSchema = z.intersection(ThresholdRuleSchema, RuleProvenanceSchema.partial());
export type ThresholdRuleView = z.infer<typeof ThresholdRuleViewSchema>;

export const PatientThresholdsSchema = z.object({
  patientId: z.string(),
  programme: ProgrammeSchema,
  /** true when the patient has no personal override and the programme defaults apply. */
  programmeDefaults: z.boolean(),
  effectiveFrom: InstantSchema.nullable(),
  changedBy: z.string().nullable(),
  /** the physician who approved the personal limits; null for programme defaults or when nobody was named */
  approvedBy: z.string().nullable().default(null),
  /** when the personal limits are due for review; null for programme defaults */
  reviewAt: InstantSchema.nullable().default(null),
  rules: z.array(ThresholdRuleViewSchema),
});
export type PatientThresholds = z.infer<typeof PatientThresholdsSchema>;
