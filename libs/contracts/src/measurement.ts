import { z } from 'zod';
import { CODE_DEFINITIONS, isObservationCode, MEASUREMENT_TYPES, TYPE_COMPONENTS } from './codes';

/** Ids that end up in topics, URLs and SQL: a conservative alphabet. */
export const IdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'use letters, digits and . _ : - only');
export const PatientIdSchema = IdSchema;
export const GatewayIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'use letters, digits, _ and - only');

/** An instant with an explicit offset, e.g. 2026-11-23T07:59:40+01:00 or ...Z. */
export const InstantSchema = z.iso.datetime({ offset: true });

export const ComponentSchema = z.object({
  code: z.string().min(1),
  value: z.number().finite(),
  unit: z.string().min(1),
});
export type Component = z.infer<typeof ComponentSchema>;

export const TimeSourceSchema = z.enum(['device', 'device-corrected', 'gateway']);
export type TimeSource = z.infer<typeof TimeSourceSchema>;

export const MeasurementTypeSchema = z.enum(MEASUREMENT_TYPES);

export const FlagsSchema = z.record(z.string().min(1).max(64), z.union([z.boolean(), z.number(), z.string().max(200)]));
export type Flags = z.infer<typeof FlagsSchema>;

export const MeasurementSchema = z
  .object({
    id: IdSchema,
    patientId: PatientIdSchema,
    deviceId: z.string().min(1).max(128),
    deviceModel: z.string().min(1).max(128).optional(),
    type: MeasurementTypeSchema,
    measuredAt: InstantSchema,
    timeSource: TimeSourceSchema,
    components: z.array(ComponentSchema).min(1).max(16),
    flags: FlagsSchema.optional(),
  })
  .superRefine((m, ctx) => {
    const rule = TYPE_COMPONENTS[m.type];
    const seen = new Set<string>();
    m.components.forEach((c, i) => {
      const path = ['components', i];
      if (seen.has(c.code)) ctx.addIssue({ code: 'custom', path, message: `component ${c.code} appears twice` });
      seen.add(c.code);
      if (!isObservationCode(c.code) || !rule.allowed.includes(c.code)) {
        ctx.addIssue({ code: 'custom', path, message: `code ${c.code} is not a component of a ${m.type} measurement (allowed: ${rule.allowed.join(', ')})` });
        return;
      }
      const def = CODE_DEFINITIONS[c.code];
      if (c.unit !== def.unit) ctx.addIssue({ code: 'custom', path, message: `${def.display} (${c.code}) must be in ${def.unit}, got ${c.unit}` });
      else if (c.value < def.min || c.value > def.max)
        ctx.addIssue({ code: 'custom', path, message: `${def.display} ${c.value} ${def.unit} is outside ${def.min}–${def.max} ${def.unit}` });
    });
    for (const code of rule.required)
      if (!seen.has(code)) ctx.addIssue({ code: 'custom', path: ['components'], message: `a ${m.type} measurement needs ${CODE_DEFINITIONS[code].display} (${code})` });
    if (rule.atLeastOne && !rule.atLeastOne.some((c) => seen.has(c)))
      ctx.addIssue({ code: 'custom', path: ['components'], message: `a ${m.type} measurement needs at least one of ${rule.atLeastOne.join(', ')}` });
    const sys = m.components.find((c) => c.code === '8480-6')?.value;
    const dia = m.components.find((c) => c.code === '8462-4')?.value;
    if (sys !== undefined && dia !== undefined && dia >= sys)
      ctx.addIssue({ code: 'custom', path: ['components'], message: `diastolic ${dia} must be below systolic ${sys}` });
  });
export type Measurement = z.infer<typeof MeasurementSchema>;

export const MAX_MEASUREMENTS_PER_BATCH = 500;
/** Larger payloads are refused before JSON parsing (500 measurements fit comfortably). */
export const MAX_BATCH_BYTES = 1024 * 1024;
export const MEASUREMENT_BATCH_SCHEMA_ID = 'tm.measurements.v1';

/** The batch envelope; measurements are validated one by one so one bad reading never sinks the rest. */
export const MeasurementBatchEnvelopeSchema = z.object({
  schema: z.literal(MEASUREMENT_BATCH_SCHEMA_ID),
  gatewayId: GatewayIdSchema,
  sentAt: InstantSchema,
  measurements: z.array(z.unknown()).min(1).max(MAX_MEASUREMENTS_PER_BATCH),
});

export const MeasurementBatchSchema = MeasurementBatchEnvelopeSchema.extend({
  measurements: z.array(MeasurementSchema).min(1).max(MAX_MEASUREMENTS_PER_BATCH),
});
export type MeasurementBatch = z.infer<typeof MeasurementBatchSchema>;

export const RejectionSchema = z.object({ id: z.string(), reason: z.string() });
export type Rejection = z.infer<typeof RejectionSchema>;

export const ReceiptSchema = z.object({
  ids: z.array(z.string()),
  rejected: z.array(RejectionSchema),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

export const GatewayStatusSchema = z.object({
  state: z.enum(['online', 'offline']),
  at: InstantSchema,
  devices: z.array(
    z.object({
      deviceId: z.string().min(1),
      deviceModel: z.string().optional(),
      battery: z.number().min(0).max(100).optional(),
      lastSeen: InstantSchema.optional(),
    }),
  ),
});
export type GatewayStatus = z.infer<typeof GatewayStatusSchema>;
