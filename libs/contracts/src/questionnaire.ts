import { z } from 'zod';
import { QuestionnaireIdSchema } from './care-plan';
import { IdSchema, InstantSchema, PatientIdSchema } from './measurement';
import { ProgrammeSchema, TriageSchema, type ThresholdRule } from './thresholds';

/**
 * Questionnaires are data (ARCHITECTURE.md §10), in a shape close to FHIR R4 Questionnaire
 * (`item[].linkId`, `text`, `type`, `answerOption`, `enableWhen`), so one generic form renders
 * every one of them and the FHIR export maps each field once. Every text is given in Danish and
 * English. Answer options carry a triage colour like readings do, and may carry a score: a
 * licensed instrument (CAT, KCCQ) fits the same shape with item scores and a total with bands,
 * once a region holds the licence — its text is not shipped here.
 */

export const LocalizedTextSchema = z.object({ da: z.string().min(1).max(2000), en: z.string().min(1).max(2000) });
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

export const LinkIdSchema = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'linkIds are lower-case words joined by -');
export const AnswerValueSchema = z.union([z.string().min(1).max(200), z.number().finite(), z.boolean()]);
export type AnswerValue = z.infer<typeof AnswerValueSchema>;

export const AnswerOptionSchema = z.object({
  value: AnswerValueSchema,
  /** what the patient reads */
  label: LocalizedTextSchema,
  /** what the nurse reads on the alert, short ("Meget mere åndenød end normalt"); the label when absent */
  summary: LocalizedTextSchema.optional(),
  triage: TriageSchema,
  /** the item score (an instrument's 0–5, mMRC's grade); items without scores add nothing to the total */
  score: z.number().finite().optional(),
});
export type AnswerOption = z.infer<typeof AnswerOptionSchema>;

/** A range of an integer answer or of the total, both ends included, with its colour and a name. */
export const ScoreBandSchema = z.object({
  min: z.number().finite(),
  max: z.number().finite(),
  label: LocalizedTextSchema,
  triage: TriageSchema,
});
export type ScoreBand = z.infer<typeof ScoreBandSchema>;

/** FHIR enableWhen, narrowed: the item is asked only when item `linkId` was answered with one of `answers`. */
export const EnableWhenSchema = z.object({ linkId: LinkIdSchema, answers: z.array(AnswerValueSchema).min(1) });

export const QuestionnaireItemSchema = z.object({
  linkId: LinkIdSchema,
  text: LocalizedTextSchema,
  /** a line of help under the question */
  help: LocalizedTextSchema.optional(),
  type: z.enum(['choice', 'boolean', 'integer']),
  /** choice and boolean items: the answers to pick from */
  options: z.array(AnswerOptionSchema).min(1).max(20).optional(),
  /** integer items: the allowed range */
  min: z.number().int().optional(),
  max: z.number().int().optional(),
  /** integer items: colour (and a name) per range of the answer; the answer is its own score */
  bands: z.array(ScoreBandSchema).optional(),
  /** the patient must answer it (when it is enabled); default true */
  required: z.boolean().optional(),
  enableWhen: EnableWhenSchema.optional(),
  /**
   * A rise of the answer's score by at least `atLeast` since the patient's previous answer to the
   * item is at least `triage` (mMRC: one grade worse is yellow), whatever the answer's own colour.
   */
  riseFromPrevious: z.object({ atLeast: z.number().positive(), triage: z.enum(['yellow', 'red']) }).optional(),
});
export type QuestionnaireItem = z.infer<typeof QuestionnaireItemSchema>;

/**
 * A pattern of answers that together mean more than each alone, e.g. two of the three cardinal
 * signs of a COPD exacerbation (Anthonisen): when at least `atLeast` of `of` match, the response
 * is at least `triage`.
 */
export const TriageCombinationSchema = z.object({
  id: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/),
  /** what the nurse reads when it applies */
  summary: LocalizedTextSchema,
  atLeast: z.number().int().min(1),
  of: z.array(z.object({ linkId: LinkIdSchema, answers: z.array(AnswerValueSchema).min(1) })).min(1),
  triage: z.enum(['yellow', 'red']),
});
export type TriageCombination = z.infer<typeof TriageCombinationSchema>;

export const QuestionnaireDefinitionSchema = z
  .object({
    id: QuestionnaireIdSchema,
    /** a new version whenever items, options, colours or scores change; responses name the version they answered */
    version: z.string().min(1).max(32),
    title: LocalizedTextSchema,
    /** what the patient reads before the questions (e.g. when to call 112 instead) */
    description: LocalizedTextSchema.optional(),
    programmes: z.array(ProgrammeSchema).min(1),
    items: z.array(QuestionnaireItemSchema).min(1).max(100),
    /** the total: the sum of the item scores, and what each range of it means */
    scoring: z.object({ bands: z.array(ScoreBandSchema).min(1) }).optional(),
    combinations: z.array(TriageCombinationSchema).optional(),
    /** where the instrument or its wording comes from, and its licence (shown to clinicians) */
    source: z.string().max(2000).optional(),
  })
  .superRefine((q, ctx) => {
    const ids = new Set<string>();
    q.items.forEach((item, i) => {
      if (ids.has(item.linkId)) ctx.addIssue({ code: 'custom', path: ['items', i, 'linkId'], message: `${q.id}: linkId ${item.linkId} appears twice` });
      ids.add(item.linkId);
      if (item.type !== 'integer' && !item.options) ctx.addIssue({ code: 'custom', path: ['items', i], message: `${q.id}.${item.linkId}: a ${item.type} item needs options` });
      if (item.enableWhen && !ids.has(item.enableWhen.linkId))
        ctx.addIssue({ code: 'custom', path: ['items', i, 'enableWhen'], message: `${q.id}.${item.linkId}: enableWhen must name an earlier item` });
    });
    for (const c of q.combinations ?? [])
      for (const part of c.of) if (!ids.has(part.linkId)) ctx.addIssue({ code: 'custom', path: ['combinations'], message: `${q.id}: combination ${c.id} names unknown item ${part.linkId}` });
  });
export type QuestionnaireDefinition = z.infer<typeof QuestionnaireDefinitionSchema>;

export const QuestionnaireAnswerSchema = z.object({ linkId: LinkIdSchema, value: AnswerValueSchema });
export type QuestionnaireAnswer = z.infer<typeof QuestionnaireAnswerSchema>;

/**
 * POST /api/me/questionnaire-responses. `id` is made by the client (a UUID is fine) when the
 * patient presses "send", and kept with the answers while offline: sending the same id again
 * stores nothing new and answers the stored response.
 */
export const QuestionnaireResponseSchema = z.object({
  id: IdSchema,
  questionnaireId: QuestionnaireIdSchema,
  questionnaireVersion: z.string().min(1).max(32),
  authoredAt: InstantSchema,
  answers: z.array(QuestionnaireAnswerSchema).min(1).max(100),
});
export type QuestionnaireResponse = z.infer<typeof QuestionnaireResponseSchema>;

/** One answer as stored: its colour and score from the definition. */
export const ScoredAnswerSchema = QuestionnaireAnswerSchema.extend({
  triage: TriageSchema.nullable(),
  score: z.number().nullable(),
});

/** A response as stored and triaged: what GET .../questionnaire-responses and the POST answer. */
export const StoredQuestionnaireResponseSchema = QuestionnaireResponseSchema.extend({
  patientId: PatientIdSchema,
  receivedAt: InstantSchema,
  answers: z.array(ScoredAnswerSchema),
  /** the worst colour of the answers and combinations */
  triage: TriageSchema,
  /** the sum of the item scores; null when no answered item carries a score */
  score: z.number().nullable(),
  /** the total's band, when the questionnaire has scoring */
  band: ScoreBandSchema.nullable(),
  /** the combinations that applied (ids from the definition) */
  combinations: z.array(z.string()),
});
export type StoredQuestionnaireResponse = z.infer<typeof StoredQuestionnaireResponseSchema>;

const IsoQuery = z.iso.datetime({ offset: true });
export const QuestionnaireResponsesQuerySchema = z.object({
  questionnaireId: QuestionnaireIdSchema.optional(),
  from: IsoQuery.optional(),
  to: IsoQuery.optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});
export type QuestionnaireResponsesQuery = z.infer<typeof QuestionnaireResponsesQuerySchema>;

/**
 * The rule a questionnaire alert records as its threshold (alerts.threshold): one open alert per
 * patient and questionnaire, rule `questionnaire-<questionnaireId>`, kind `questionnaire`.
 */
export const QuestionnaireRuleSchema = z.object({
  rule: z.string().min(1).max(64),
  kind: z.literal('questionnaire'),
  questionnaireId: QuestionnaireIdSchema,
  questionnaireVersion: z.string(),
  /** the item the rule watches (one alert per symptom); absent: the whole response (combinations, total score) */
  linkId: LinkIdSchema.optional(),
});
export type QuestionnaireRule = z.infer<typeof QuestionnaireRuleSchema>;
export const questionnaireRuleName = (questionnaireId: string): string => `questionnaire-${questionnaireId}`;
/** The rule of one item of a questionnaire: one open alert per patient, questionnaire and symptom. */
export const questionnaireItemRuleName = (questionnaireId: string, linkId: string): string => `questionnaire-${questionnaireId}:${linkId}`;

/** What an alert's finding can come from: a threshold rule on readings, or a questionnaire's triage. */
export type AlertRule = ThresholdRule | QuestionnaireRule;
