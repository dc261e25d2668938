import { z } from 'zod';
import { IdSchema, InstantSchema, TextSchema } from './measurement';

/** A message's text: what a person writes in a thread (not a letter). */
export const MessageTextSchema = TextSchema.trim().min(1, 'write a message').max(4000, 'at most 4000 characters');

/** POST /api/patients/:id/messages: a clinician writes to the patient. */
export const ClinicianMessageBodySchema = z.object({ text: MessageTextSchema });
export type ClinicianMessageBody = z.infer<typeof ClinicianMessageBodySchema>;

/** POST /api/me/messages: the patient writes; `id` is made by the app, so a re-send is stored once. */
export const PatientMessageBodySchema = z.object({ id: IdSchema, text: MessageTextSchema });
export type PatientMessageBody = z.infer<typeof PatientMessageBodySchema>;

export const MessageDirectionSchema = z.enum(['from_patient', 'to_patient']);

/** One message of the thread between a patient and their care teams. */
export const MessageSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  direction: MessageDirectionSchema,
  text: z.string(),
  authorName: z.string(),
  authorRole: z.string(),
  sentAt: InstantSchema,
  /** a patient's message: when a clinician read it; a clinician's: when the patient did */
  readAt: InstantSchema.nullable(),
});
export type Message = z.infer<typeof MessageSchema>;

/** The rule of the alert an unread patient message raises (a yellow on the board). */
export const PATIENT_MESSAGE_RULE = 'patient-message';
