import { z } from 'zod';
import { AlertSchema } from './live';
import { InstantSchema, PatientIdSchema } from './measurement';
import { MessageSchema } from './messages';
import { CareNoteSchema } from './record';
import { ProgrammeSchema } from './thresholds';

/** How far back a handover reaches by default: a shift. */
export const HANDOVER_DEFAULT_HOURS = 8;
/** The longest handover one request answers (a long weekend and a bit). */
export const HANDOVER_MAX_DAYS = 7;

/** GET /api/handover?since=: what changed since `since` (default the last 8 hours). */
export const HandoverQuerySchema = z
  .object({ since: InstantSchema.optional() })
  .strip()
  .refine((q) => q.since === undefined || Date.parse(q.since) >= Date.now() - HANDOVER_MAX_DAYS * 86_400_000, {
    message: `since reaches back at most ${HANDOVER_MAX_DAYS} days; ask for a shorter period`,
    path: ['since'],
  });
export type HandoverQuery = z.infer<typeof HandoverQuerySchema>;

/** One patient's part of the handover: the open alerts, and what was written since. */
export const HandoverPatientSchema = z.object({
  patientId: PatientIdSchema,
  displayName: z.string(),
  programme: ProgrammeSchema,
  /** not resolved, raised at any time: worst first; each with its acknowledgement note if it has one */
  openAlerts: z.array(AlertSchema),
  /** resolved since the handover's start */
  resolvedAlerts: z.array(AlertSchema),
  /** the patient's messages sent since the start, oldest first */
  messages: z.array(MessageSchema),
  /** the care record's entries written since the start (notes, calls, visits, video), oldest first */
  notes: z.array(CareNoteSchema),
  /** the latest entry of the care record at any time: what the last person wrote */
  lastNote: CareNoteSchema.nullable(),
});
export type HandoverPatient = z.infer<typeof HandoverPatientSchema>;

export const HandoverSchema = z.object({
  since: InstantSchema,
  until: InstantSchema,
  /** the caller's patients with an open alert or with something new since the start, reds first */
  patients: z.array(HandoverPatientSchema),
});
export type Handover = z.infer<typeof HandoverSchema>;
