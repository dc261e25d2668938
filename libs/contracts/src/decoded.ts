import { z } from 'zod';
import { ComponentSchema, FlagsSchema, MeasurementTypeSchema } from './measurement';

/** A device's local wall-clock time as it sent it; no offset (BLE Date Time has none). */
export const LocalDateTimeSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, 'use YYYY-MM-DDTHH:mm:ss');

/**
 * One GATT value decoded by a device profile: what `tm-gateway decode` prints and what the
 * drivers turn into a Measurement. Components whose raw value was NaN or NRes are absent.
 */
export const DecodedReadingSchema = z.object({
  type: MeasurementTypeSchema,
  components: z.array(ComponentSchema),
  deviceTime: LocalDateTimeSchema.nullable(),
  userId: z.number().int().min(0).nullable(),
  flags: FlagsSchema,
});
export type DecodedReading = z.infer<typeof DecodedReadingSchema>;
