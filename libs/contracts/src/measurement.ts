import { z } from 'zod';
import { CODE_DEFINITIONS, isObservationCode, MEASUREMENT_TYPES, TYPE_COMPONENTS, type MeasurementType } from './codes';

/** Ids that end up in topics, URLs and SQL: a conservative alphabet. */
export const IdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'use letters, digits and . _ : - only');
export const PatientIdSchema = IdSchema;
export const GatewayIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'use letters, digits, _ and - only');

/** An instant with an explicit offset, e.g. 2026-11-23T07:59:40+01:00 or ...Z. */
export const InstantSchema = z.iso.datetime({ offset: true });

/**
 * Text a database stores as it was sent: no NUL (PostgreSQL text and jsonb refuse it) and no lone
 * surrogate (it would be stored as U+FFFD, other text than the device sent).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const isStorableText = (s: string): boolean => !s.includes('\u0000') && !LONE_SURROGATE.test(s);

/** The same text made storable (kept for diagnosis, e.g. a rejected payload): NUL and unpaired surrogates become U+FFFD. */
export const storableText = (s: string): string => s.replaceAll('\u0000', '\uFFFD').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
export const TextSchema = z.string().refine(isStorableText, 'must not contain NUL characters or unpaired surrogates');

export const ComponentSchema = z.object({
  code: z.string().min(1),
  value: z.number().finite(),
  unit: z.string().min(1),
});
export type Component = z.infer<typeof ComponentSchema>;

export const TimeSourceSchema = z.enum(['device', 'device-corrected', 'gateway']);
export type TimeSource = z.infer<typeof TimeSourceSchema>;

export const MeasurementTypeSchema = z.enum(MEASUREMENT_TYPES);

export const FlagsSchema = z.record(TextSchema.min(1).max(64), z.union([z.boolean(), z.number(), TextSchema.max(200)]));
export type Flags = z.infer<typeof FlagsSchema>;

const MeasurementFields = {
  id: IdSchema,
  patientId: PatientIdSchema,
  deviceId: TextSchema.min(1).max(128),
  deviceModel: TextSchema.min(1).max(128).optional(),
  type: MeasurementTypeSchema,
  measuredAt: InstantSchema,
  timeSource: TimeSourceSchema,
  flags: FlagsSchema.optional(),
};

/**
 * Why one component cannot be stored as part of a measurement of `type`, or null when it can.
 * `seen` holds the codes of the measurement's earlier components.
 */
export function componentProblem(type: MeasurementType, c: { code: string; value: unknown; unit: unknown }, seen: ReadonlySet<string>): string | null {
  const rule = TYPE_COMPONENTS[type];
  if (seen.has(c.code)) return `component ${c.code} appears twice`;
  if (!isObservationCode(c.code) || !rule.allowed.includes(c.code)) return `code ${c.code} is not a component of a ${type} measurement (allowed: ${rule.allowed.join(', ')})`;
  const def = CODE_DEFINITIONS[c.code];
  if (typeof c.value !== 'number' || !Number.isFinite(c.value)) return `${def.display} (${c.code}) has no numeric value (${JSON.stringify(c.value) ?? 'missing'})`;
  if (c.unit !== def.unit) return `${def.display} (${c.code}) must be in ${def.unit}, got ${String(c.unit)}`;
  if (c.value < def.min || c.value > def.max) return `${def.display} ${c.value} ${def.unit} is outside ${def.min}–${def.max} ${def.unit}`;
  return null;
}

/** A systolic at or under its diastolic: one of the two is wrong, and nothing says which. */
export function pressureProblem(components: readonly Component[]): string | null {
  const sys = components.find((c) => c.code === '8480-6')?.value;
  const dia = components.find((c) => c.code === '8462-4')?.value;
  return sys !== undefined && dia !== undefined && dia >= sys ? `diastolic ${dia} must be below systolic ${sys}` : null;
}

function measurementSchema(complete: boolean) {
  return z.object({ ...MeasurementFields, components: z.array(ComponentSchema).min(1).max(16) }).superRefine((m, ctx) => {
    const rule = TYPE_COMPONENTS[m.type];
    const seen = new Set<string>();
    m.components.forEach((c, i) => {
      const problem = componentProblem(m.type, c, seen);
      seen.add(c.code);
      if (problem) ctx.addIssue({ code: 'custom', path: ['components', i], message: problem });
    });
    const pressure = pressureProblem(m.components);
    if (pressure) ctx.addIssue({ code: 'custom', path: ['components'], message: pressure });
    if (!complete) return;
    for (const code of rule.required)
      if (!seen.has(code)) ctx.addIssue({ code: 'custom', path: ['components'], message: `a ${m.type} measurement needs ${CODE_DEFINITIONS[code].display} (${code})` });
    if (rule.atLeastOne && !rule.atLeastOne.some((c) => seen.has(c)))
      ctx.addIssue({ code: 'custom', path: ['components'], message: `a ${m.type} measurement needs at least one of ${rule.atLeastOne.join(', ')}` });
  });
}

/** A whole, clean measurement: what a gateway sends. */
export const MeasurementSchema = measurementSchema(true);
/**
 * What ingestion keeps of a measurement some of whose components were refused: the valid ones,
 * even when a required one is among the refused (an SpO2 of 84 % counts without its pulse).
 */
export const SalvagedMeasurementSchema = measurementSchema(false);

/** The measurement with its components unchecked, so that each component can be judged on its own. */
export const MeasurementEnvelopeSchema = z.object({
  ...MeasurementFields,
  components: z.array(z.object({ code: z.string().min(1).max(64), value: z.unknown(), unit: z.unknown() })).min(1).max(16),
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
