import { z } from 'zod';
import { IdSchema, InstantSchema, MeasurementSchema, MeasurementTypeSchema, ComponentSchema, TextSchema } from './measurement';

/** Where a stored reading came from. */
export const MeasurementSourceSchema = z.enum(['gateway', 'patient', 'clinician']);
export type MeasurementSource = z.infer<typeof MeasurementSourceSchema>;

/** The device id a typed reading is stored under (it came from no paired device). */
export const MANUAL_DEVICE_ID = 'manual-entry';

/**
 * POST /api/me/observations and POST /api/patients/:id/observations: a reading typed in by the
 * patient, or taken by a nurse or home care. Checked by the same rules as a gateway's measurement
 * (codes, units, plausible ranges, systolic above diastolic); `id` is the client's, a re-send is stored once.
 */
export const ManualReadingBodySchema = z
  .object({ id: IdSchema, type: MeasurementTypeSchema, measuredAt: InstantSchema, components: z.array(ComponentSchema).min(1).max(16) })
  .superRefine((m, ctx) => {
    const full = MeasurementSchema.safeParse({ ...m, patientId: 'p', deviceId: MANUAL_DEVICE_ID, timeSource: 'device' });
    if (!full.success) for (const issue of full.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
export type ManualReadingBody = z.infer<typeof ManualReadingBodySchema>;

/** POST /api/patients/:id/observations/:measurementId/invalidate */
export const InvalidateReadingBodySchema = z.object({ reason: TextSchema.trim().min(1, 'say why the reading is wrong').max(1000) });
export type InvalidateReadingBody = z.infer<typeof InvalidateReadingBodySchema>;

/** A reading as the ledger holds it, with its source, author and (if so) its invalidation. */
export const StoredReadingSchema = z.object({
  measurementId: z.string(),
  patientId: z.string(),
  type: MeasurementTypeSchema,
  measuredAt: InstantSchema,
  receivedAt: InstantSchema,
  source: MeasurementSourceSchema,
  authorUserId: z.string().nullable(),
  components: z.array(ComponentSchema),
  invalidatedAt: InstantSchema.nullable(),
  invalidatedBy: z.string().nullable(),
  invalidationReason: z.string().nullable(),
});
export type StoredReading = z.infer<typeof StoredReadingSchema>;
