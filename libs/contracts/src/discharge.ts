import { z } from 'zod';
import { InstantSchema } from './measurement';

/** POST /api/patients/:id/discharge: the end of the programme (issue 17, item 9), with a note for the record. */
export const DischargeBodySchema = z.object({ note: z.string().trim().min(1).max(500).optional() }).strict();
export type DischargeBody = z.infer<typeof DischargeBodySchema>;

/** The answer: when and by whom, and how many open alerts the discharge resolved. */
export const DischargeSchema = z.object({
  patientId: z.string(),
  dischargedAt: InstantSchema,
  dischargedBy: z.string(),
  resolvedAlerts: z.number().int().min(0),
});
export type Discharge = z.infer<typeof DischargeSchema>;
