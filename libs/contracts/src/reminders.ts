import { z } from 'zod';
import { ActivityNameSchema, LocalDateSchema, QuestionnaireIdSchema } from './care-plan';
import { InstantSchema, MeasurementTypeSchema, PatientIdSchema } from './measurement';
import { LocalizedTextSchema } from './questionnaire';

/**
 * What the platform posts to `REMINDER_WEBHOOK_URL` (ARCHITECTURE.md §12): one JSON per patient
 * per item of the care plan that is due today and not yet done, for the region's SMS or app
 * service to pass on. `id` is the same for every delivery of one reminder (patient, activity,
 * day), so a receiver that answered but whose answer was lost can drop the repeat. The patient is
 * named by id only; the region's service knows how to reach them.
 */
export const ReminderSchema = z.object({
  /** `<patientId>/<activity>/<date>`: one reminder per patient, item and day */
  id: z.string().min(1).max(200),
  patientId: PatientIdSchema,
  /** the plan's day it is due on, in `timeZone` */
  date: LocalDateSchema,
  timeZone: z.string(),
  activity: ActivityNameSchema,
  kind: z.enum(['measurement', 'questionnaire']),
  type: MeasurementTypeSchema.nullable(),
  questionnaireId: QuestionnaireIdSchema.nullable(),
  /** how many the plan asks for that day, and how many the hospital had received when this was sent */
  expected: z.number().int().min(1),
  done: z.number().int().min(0),
  /** the plain sentence to send as it is ("Husk at veje dig i dag."), Danish and English */
  text: LocalizedTextSchema,
  createdAt: InstantSchema,
});
export type Reminder = z.infer<typeof ReminderSchema>;
