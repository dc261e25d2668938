import { z } from 'zod';
import { ComponentSchema, InstantSchema, MeasurementTypeSchema } from './measurement';
import { SeveritySchema } from './thresholds';

export const AlertStatusSchema = z.enum(['open', 'acknowledged', 'resolved']);
export type AlertStatus = z.infer<typeof AlertStatusSchema>;

export const AlertSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  rule: z.string(),
  kind: z.enum(['absolute', 'change', 'baseline', 'missing']),
  code: z.string().nullable(),
  severity: SeveritySchema,
  status: AlertStatusSchema,
  /** the value that fired (for change and baseline rules: the change or the drop) */
  value: z.number().nullable(),
  unit: z.string().nullable(),
  message: z.string(),
  measuredAt: InstantSchema.nullable(),
  raisedAt: InstantSchema,
  updatedAt: InstantSchema,
  count: z.number().int().min(1),
  /** measured long before it arrived (a gateway flushing a backlog) */
  late: z.boolean(),
  /** the latest reading is back inside the limits; shown, never auto-resolving a red */
  backInRange: z.boolean(),
  escalated: z.boolean(),
  /** the threshold rule that applied when the alert fired */
  threshold: z.record(z.string(), z.unknown()),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: InstantSchema.nullable(),
  acknowledgeNote: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: InstantSchema.nullable(),
  resolveNote: z.string().nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

/** socket.io namespace `/live`, server -> client events. `eventId` orders events for replay. */
export const LIVE_NAMESPACE = '/live';
export const AlertEventSchema = AlertSchema.extend({ eventId: z.string() });
export type AlertEvent = z.infer<typeof AlertEventSchema>;
export const ObservationEventSchema = z.object({
  eventId: z.string(),
  patientId: z.string(),
  measurementId: z.string(),
  type: MeasurementTypeSchema,
  components: z.array(ComponentSchema),
  measuredAt: InstantSchema,
});
export type ObservationEvent = z.infer<typeof ObservationEventSchema>;

export interface LiveServerEvents {
  alert: (event: AlertEvent) => void;
  observation: (event: ObservationEvent) => void;
}

/** Handshake `auth`: the REST bearer token, and the last event id seen for replay after a long gap. */
export const LiveHandshakeSchema = z.object({
  token: z.string().min(1),
  lastEventId: z.string().regex(/^\d+$/).optional(),
});
export type LiveHandshake = z.infer<typeof LiveHandshakeSchema>;
