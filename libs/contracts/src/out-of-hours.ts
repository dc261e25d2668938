import { z } from 'zod';
import { InstantSchema } from './measurement';

const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (00:00–23:59)');

/**
 * A care team's service hours (issue 17, item 7): the ISO weekdays (1 Monday … 7 Sunday) and the
 * wall-clock times in Copenhagen between which the team itself answers (from included, to excluded).
 */
export const ServiceHoursSchema = z
  .object({
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    from: HourMinute,
    to: HourMinute,
  })
  .refine((h) => h.from < h.to, 'service hours must end after they begin on the same day');
export type ServiceHours = z.infer<typeof ServiceHoursSchema>;

/** Whom a patient calls out of hours: 1813 (Region Hovedstaden's medical helpline) or, elsewhere, the GP on call (vagtlæge). */
export const OUT_OF_HOURS_HELPLINES = ['1813', 'vagtlaege'] as const;
export const OutOfHoursHelplineSchema = z.enum(OUT_OF_HOURS_HELPLINES);
export type OutOfHoursHelpline = z.infer<typeof OutOfHoursHelplineSchema>;

/**
 * GET /api/me/red-status: what the patient's app needs to tell a patient with a red what to do now
 * (ARCHITECTURE §12). `red` is null when no red alert is open; `seen` is true when the care team has
 * acknowledged every open red. `insideServiceHours`: a hospital care team of the patient is at
 * work now (else the app points to `helpline` and 112). `phone`: the hospital team's number.
 */
export const PatientRedStatusSchema = z.object({
  red: z
    .object({
      since: InstantSchema,
      seen: z.boolean(),
      seenAt: InstantSchema.nullable(),
    })
    .nullable(),
  insideServiceHours: z.boolean(),
  helpline: OutOfHoursHelplineSchema,
  phone: z.string().nullable(),
});
export type PatientRedStatus = z.infer<typeof PatientRedStatusSchema>;

/** What the escalation route (ESCALATION_WEBHOOK_URL) receives for each escalated alert: no names, the patient by id. */
export const EscalationNoticeSchema = z.object({
  event: z.literal('escalation'),
  alertId: z.string(),
  patientId: z.string(),
  rule: z.string(),
  kind: z.string(),
  severity: z.enum(['yellow', 'red']),
  raisedAt: InstantSchema,
  escalatedAt: InstantSchema,
  /** the patient's hospital care teams are outside their service hours: the on-call team acts */
  outOfHours: z.boolean(),
  careTeams: z.array(z.string()),
});
export type EscalationNotice = z.infer<typeof EscalationNoticeSchema>;
