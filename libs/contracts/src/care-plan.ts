import { z } from 'zod';
import { MEASUREMENT_TYPES, type MeasurementType } from './codes';
import { InstantSchema, MeasurementTypeSchema, PatientIdSchema } from './measurement';
import { ProgrammeSchema } from './thresholds';

/**
 * Care plans (ARCHITECTURE.md §10): what a patient measures or answers, how often, and in which
 * phase of the programme. Days are counted from the plan's start (`startedAt`): day 0 is the
 * local calendar day the plan started, day 14 is two weeks later. The server counts days in the
 * programme's time zone (Europe/Copenhagen), and says which it used in every answer.
 */

/** A questionnaire's id, as in `questionnaire:<id>` and QuestionnaireDefinition.id. */
export const QuestionnaireIdSchema = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'questionnaire ids are lower-case words joined by -');
export const QUESTIONNAIRE_ACTIVITY_PREFIX = 'questionnaire:';

/** `blood_pressure` | `pulse_oximetry` | `body_weight` | `spirometry` | `questionnaire:<id>`. */
export const ActivityNameSchema = z.union([MeasurementTypeSchema, z.templateLiteral([QUESTIONNAIRE_ACTIVITY_PREFIX, QuestionnaireIdSchema])]);
export type ActivityName = MeasurementType | `questionnaire:${string}`;

/** Largest day number a plan may name (about ten years). */
export const MAX_PLAN_DAY = 3650;

/**
 * One line of a plan: an activity, how often (exactly one of timesPerDay, timesPerWeek), and the
 * plan days it applies to, both ends included: `{ activity: 'pulse_oximetry', timesPerDay: 2,
 * fromDay: 0, toDay: 13 }` is twice a day for the first 14 days. Without fromDay it applies from
 * day 0; without toDay, for as long as the plan runs. `timesPerWeek: 2` means twice in each week
 * of the plan (days 0–6, 7–13, ...), on days spread evenly over the week (see `dueDays` in
 * @tm/rules).
 */
export const CareActivitySchema = z
  .object({
    activity: ActivityNameSchema,
    timesPerDay: z.number().int().min(1).max(6).optional(),
    timesPerWeek: z.number().int().min(1).max(7).optional(),
    fromDay: z.number().int().min(0).max(MAX_PLAN_DAY).optional(),
    toDay: z.number().int().min(0).max(MAX_PLAN_DAY).optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.timesPerDay === undefined) === (a.timesPerWeek === undefined))
      ctx.addIssue({ code: 'custom', message: `${a.activity}: say how often with exactly one of timesPerDay and timesPerWeek` });
    if (a.fromDay !== undefined && a.toDay !== undefined && a.toDay < a.fromDay)
      ctx.addIssue({ code: 'custom', path: ['toDay'], message: `${a.activity}: toDay ${a.toDay} is before fromDay ${a.fromDay} (both days are included)` });
  });
export type CareActivity = z.infer<typeof CareActivitySchema>;

function overlaps(a: CareActivity, b: CareActivity): boolean {
  const [aFrom, aTo, bFrom, bTo] = [a.fromDay ?? 0, a.toDay ?? Number.POSITIVE_INFINITY, b.fromDay ?? 0, b.toDay ?? Number.POSITIVE_INFINITY];
  return aFrom <= bTo && bFrom <= aTo;
}

export const CarePlanSchema = z.object({
  activities: z
    .array(CareActivitySchema)
    .min(1, 'a plan has at least one activity')
    .max(50)
    .superRefine((activities, ctx) => {
      activities.forEach((a, i) => {
        const clash = activities.findIndex((b, j) => j < i && b.activity === a.activity && overlaps(a, b));
        if (clash >= 0)
          ctx.addIssue({ code: 'custom', path: [i], message: `${a.activity} appears twice for the same days (activities ${clash} and ${i}): give each phase its own fromDay/toDay` });
      });
    }),
});
export type CarePlan = z.infer<typeof CarePlanSchema>;

/** PUT /api/patients/:id/plan: the new plan; `startedAt` keeps the plan in force's start when absent (a new patient: now). */
export const CarePlanBodySchema = CarePlanSchema.extend({ startedAt: InstantSchema.optional() });
export type CarePlanBody = z.infer<typeof CarePlanBodySchema>;

/** GET /api/patients/:id/plan, GET /api/me/plan: the plan in force. */
export const PatientCarePlanSchema = z.object({
  patientId: PatientIdSchema,
  programme: ProgrammeSchema,
  plan: CarePlanSchema,
  /** day 0 of the plan */
  startedAt: InstantSchema,
  /** the version number (1, 2, ...); 0 when no plan has been stored and the programme's default applies from enrolment */
  version: z.number().int().min(0),
  /** true when the plan is the programme's default plan, unchanged */
  programmeDefault: z.boolean(),
  changedBy: z.string().nullable(),
  changedAt: InstantSchema.nullable(),
  /** today's plan day (0 on the start day), in `timeZone` */
  today: z.number().int(),
  timeZone: z.string(),
});
export type PatientCarePlan = z.infer<typeof PatientCarePlanSchema>;

/** GET /api/patients/:id/plan/versions: every stored version, newest first. */
export const CarePlanVersionSchema = z.object({
  version: z.number().int().min(1),
  plan: CarePlanSchema,
  startedAt: InstantSchema,
  changedBy: z.string().nullable(),
  changedAt: InstantSchema,
});
export type CarePlanVersion = z.infer<typeof CarePlanVersionSchema>;

/** A calendar date in the plan's time zone: 2026-11-23. */
export const LocalDateSchema = z.iso.date();

const IsoQuery = z.iso.datetime({ offset: true });
/** `from` and `to`: instants (…T00:00:00+01:00) or local dates (2026-11-23), both days included. Default: the last 28 days. */
export const AdherenceQuerySchema = z.object({
  from: z.union([LocalDateSchema, IsoQuery]).optional(),
  to: z.union([LocalDateSchema, IsoQuery]).optional(),
});
export type AdherenceQuery = z.infer<typeof AdherenceQuerySchema>;

/**
 * GET /api/patients/adherence: the range, and optionally `patients` (comma-separated ids: the
 * board's page) to answer for those of the caller's patients only, not the whole ward.
 */
export const BoardAdherenceQuerySchema = AdherenceQuerySchema.extend({
  patients: z
    .string()
    .max(20_000)
    .transform((s) => s.split(',').map((id) => id.trim()).filter((id) => id !== ''))
    .pipe(z.array(PatientIdSchema).max(500))
    .optional(),
});
export type BoardAdherenceQuery = z.infer<typeof BoardAdherenceQuerySchema>;

/** Expected vs received for one period. `met` counts received only up to expected (a third reading does not make up for a missed day). */
export const AdherenceCountSchema = z.object({
  expected: z.number().int().min(0),
  received: z.number().int().min(0),
  met: z.number().int().min(0),
});
export type AdherenceCount = z.infer<typeof AdherenceCountSchema>;

export const AdherenceDaySchema = AdherenceCountSchema.extend({ date: LocalDateSchema, planDay: z.number().int() });
/** A calendar week, Monday to Sunday (the days of it inside the range). */
export const AdherenceWeekSchema = AdherenceCountSchema.extend({ weekStart: LocalDateSchema, isoWeek: z.number().int().min(1).max(53) });

export const ActivityAdherenceSchema = AdherenceCountSchema.extend({
  activity: ActivityNameSchema,
  days: z.array(AdherenceDaySchema),
  weeks: z.array(AdherenceWeekSchema),
  /** met / expected over the range; null when nothing was expected */
  fraction: z.number().min(0).max(1).nullable(),
});
export type ActivityAdherence = z.infer<typeof ActivityAdherenceSchema>;

/** GET /api/patients/:id/adherence: per activity of the plan, expected vs received per day and week. */
export const AdherenceSchema = z.object({
  patientId: PatientIdSchema,
  from: LocalDateSchema,
  to: LocalDateSchema,
  timeZone: z.string(),
  activities: z.array(ActivityAdherenceSchema),
  /** every activity together */
  total: AdherenceCountSchema.extend({ fraction: z.number().min(0).max(1).nullable() }),
});
export type Adherence = z.infer<typeof AdherenceSchema>;

/** An activity the plan expected and that has not come: its type, the last of it, and the day it was due by (the alarm comes after). */
export const OverdueActivitySchema = z.object({
  activity: MeasurementTypeSchema,
  lastAt: InstantSchema.nullable(),
  /** the end of the planned day that passed without it */
  dueBy: InstantSchema,
});
export type OverdueActivity = z.infer<typeof OverdueActivitySchema>;

/**
 * GET /api/patients/adherence?from=&to=: the board's column, one row per visible patient: expected
 * vs received over the range (default: this calendar week up to today) per activity and in
 * total, and what is overdue by the plan now (the board's "stale" marker).
 */
export const PatientAdherenceSummarySchema = z.object({
  patientId: PatientIdSchema,
  from: LocalDateSchema,
  to: LocalDateSchema,
  activities: z.array(AdherenceCountSchema.extend({ activity: ActivityNameSchema, fraction: z.number().min(0).max(1).nullable() })),
  total: AdherenceCountSchema.extend({ fraction: z.number().min(0).max(1).nullable() }),
  overdue: z.array(OverdueActivitySchema),
});
export type PatientAdherenceSummary = z.infer<typeof PatientAdherenceSummarySchema>;

/** One activity on GET /api/me/today. */
export const TodayActivitySchema = z.object({
  activity: ActivityNameSchema,
  kind: z.enum(['measurement', 'questionnaire']),
  /** measurement activities: the measurement type */
  type: MeasurementTypeSchema.nullable(),
  /** questionnaire activities: the questionnaire's id */
  questionnaireId: QuestionnaireIdSchema.nullable(),
  timesPerDay: z.number().int().nullable(),
  timesPerWeek: z.number().int().nullable(),
  /** how many the plan asks for today (0 on a day between a twice-weekly plan's days) */
  expected: z.number().int().min(0),
  /** how many the hospital has received today */
  done: z.number().int().min(0),
  /** expected > 0 and done >= expected */
  complete: z.boolean(),
  /** this calendar week (Monday to Sunday), for plans counted per week */
  week: AdherenceCountSchema,
  /** the latest received, of any day */
  lastAt: InstantSchema.nullable(),
  /** the next day after today it is due, within the next 8 weeks; null if never */
  nextDue: LocalDateSchema.nullable(),
});
export type TodayActivity = z.infer<typeof TodayActivitySchema>;

/** GET /api/me/today: what is due today and what is done. Activities of the plan in force today, or due later. */
export const TodaySchema = z.object({
  patientId: PatientIdSchema,
  date: LocalDateSchema,
  planDay: z.number().int(),
  timeZone: z.string(),
  activities: z.array(TodayActivitySchema),
});
export type Today = z.infer<typeof TodaySchema>;

/** A care team as the patient sees it: who to call. */
export const PatientCareTeamSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['hospital', 'municipality']),
  /** the number the patient calls; null when the team has not given one */
  phone: z.string().nullable(),
});
export type PatientCareTeam = z.infer<typeof PatientCareTeamSchema>;

/** GET /api/me: the signed-in patient. */
export const MeSchema = z.object({
  patientId: PatientIdSchema,
  displayName: z.string(),
  programme: ProgrammeSchema,
  careTeams: z.array(PatientCareTeamSchema),
});
export type Me = z.infer<typeof MeSchema>;

export const isQuestionnaireActivity = (activity: string): activity is `questionnaire:${string}` => activity.startsWith(QUESTIONNAIRE_ACTIVITY_PREFIX);
export const isMeasurementActivity = (activity: string): activity is MeasurementType => (MEASUREMENT_TYPES as readonly string[]).includes(activity);
/** `questionnaire:telekol-symptom-diary` -> `telekol-symptom-diary`; null for a measurement activity. */
export const questionnaireIdOf = (activity: string): string | null => (isQuestionnaireActivity(activity) ? activity.slice(QUESTIONNAIRE_ACTIVITY_PREFIX.length) : null);
