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

/** value below (direction low) or above (high) a limit. */
export const AbsoluteRuleSchema = z.object({
  rule: RuleName,
  kind: z.literal('absolute'),
  code: Code,
  direction: z.enum(['low', 'high']),
  unit: z.string(),
  yellow: Limit,
  red: Limit,
});
/** change of a value within a window of measurement time (e.g. weight gain over 3 days). */
export const ChangeRuleSchema = z.object({
  rule: RuleName,
  kind: z.literal('change'),
  code: Code,
  direction: z.enum(['rise', 'fall']),
  unit: z.string(),
  windowHours: z.number().positive().max(24 * 31),
  yellow: Limit,
  red: Limit,
});
/** drop below the patient's own baseline: points below the median, or standard deviations below the mean. */
export const BaselineRuleSchema = z.object({
  rule: RuleName,
  kind: z.literal('baseline'),
  code: Code,
  statistic: z.enum(['median', 'mean-sd']),
  windowDays: z.number().positive().max(90),
  minSamples: z.number().int().min(2).max(1000).default(5),
  yellow: Limit,
  red: Limit,
});
/** no measurement of an expected type for longer than the patient's schedule. */
export const MissingRuleSchema = z.object({
  rule: RuleName,
  kind: z.literal('missing'),
  type: z.enum(MEASUREMENT_TYPES),
  afterHours: z.number().positive().max(24 * 31),
  severity: SeveritySchema,
});

export const ThresholdRuleSchema = z
  .discriminatedUnion('kind', [AbsoluteRuleSchema, ChangeRuleSchema, BaselineRuleSchema, MissingRuleSchema])
  .superRefine((r, ctx) => {
    if (r.kind === 'missing') return;
    if (r.yellow === undefined && r.red === undefined) ctx.addIssue({ code: 'custom', message: `${r.rule}: set a yellow or a red limit` });
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
});
export type ThresholdsBody = z.infer<typeof ThresholdsBodySchema>;

export const PatientThresholdsSchema = z.object({
  patientId: z.string(),
  programme: ProgrammeSchema,
  /** true when the patient has no personal override and the programme defaults apply. */
  programmeDefaults: z.boolean(),
  effectiveFrom: InstantSchema.nullable(),
  changedBy: z.string().nullable(),
  rules: z.array(ThresholdRuleSchema),
});
export type PatientThresholds = z.infer<typeof PatientThresholdsSchema>;
