import { z } from 'zod';
import { InstantSchema, TextSchema } from './measurement';

export const CareNoteKindSchema = z.enum(['note', 'call', 'visit', 'video']);
export type CareNoteKind = z.infer<typeof CareNoteKindSchema>;

/** POST /api/patients/:id/notes */
export const CareNoteBodySchema = z.object({
  kind: CareNoteKindSchema,
  text: TextSchema.trim().min(1, 'write what happened').max(8000),
  /** e.g. of a call: "reached", "no answer", "advised to call 1813" */
  outcome: TextSchema.trim().min(1).max(500).optional(),
});
export type CareNoteBody = z.infer<typeof CareNoteBodySchema>;

/** An entry of the care record hospital and home care share. */
export const CareNoteSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  kind: CareNoteKindSchema,
  text: z.string(),
  outcome: z.string().nullable(),
  authorName: z.string(),
  authorRole: z.string(),
  createdAt: InstantSchema,
});
export type CareNote = z.infer<typeof CareNoteSchema>;

const PhoneSchema = TextSchema.trim().min(3).max(40).regex(/^[+0-9 ()-]+$/, 'use digits, spaces, +, - and () only');

export const RelativeSchema = z.object({
  name: TextSchema.trim().min(1).max(200),
  relation: TextSchema.trim().max(100).optional(),
  phone: PhoneSchema,
  /** the patient has agreed that the care team may contact this person */
  consentToContact: z.boolean(),
});
export type Relative = z.infer<typeof RelativeSchema>;

export const GeneralPractitionerSchema = z.object({ name: TextSchema.trim().min(1).max(200), phone: PhoneSchema.optional(), clinic: TextSchema.trim().max(200).optional() });

/** PUT /api/patients/:id/contacts (the whole set, replaced) */
export const ContactsBodySchema = z.object({
  phone: PhoneSchema.nullable(),
  relatives: z.array(RelativeSchema).max(10),
  gp: GeneralPractitionerSchema.nullable(),
});
export type ContactsBody = z.infer<typeof ContactsBodySchema>;

export const ContactsSchema = ContactsBodySchema.extend({ updatedBy: z.string().nullable(), updatedAt: InstantSchema.nullable() });
export type Contacts = z.infer<typeof ContactsSchema>;
