import { z } from 'zod';
import { ComponentSchema, InstantSchema, MeasurementTypeSchema } from './measurement';
import { RuleKindSchema, SeveritySchema } from './thresholds';

export const AlertStatusSchema = z.enum(['open', 'acknowledged', 'resolved']);
export type AlertStatus = z.infer<typeof AlertStatusSchema>;

export const AlertSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  rule: z.string(),
  kind: RuleKindSchema,
  code: z.string().nullable(),
  severity: SeveritySchema,
  status: AlertStatusSchema,
  /** the value that fired (for change and baseline rules: the change or the drop) */
  value: z.number().nullable(),
  unit: z.string().nullable(),
  /** the text in one language (the server renders it per Accept-Language, default Danish) */
  message: z.string(),
  /**
   * What the message says, as a key plus parameters (numbers as numbers), for each client to render
   * in its own language and number format with alertMessage from @tm/rules. Rows from before the
   * key existed read as '' and {}: show `message` then.
   */
  messageKey: z.string().default(''),
  messageParams: z.record(z.string(), z.union([z.number(), z.string()])).default({}),
  /** the time of the reading the value and message describe */
  measuredAt: InstantSchema.nullable(),
  raisedAt: InstantSchema,
  updatedAt: InstantSchema,
  count: z.number().int().min(1),
  /** measured long before it arrived (a gateway flushing a backlog) */
  late: z.boolean(),
  /** the latest reading is back inside the limits; shown, never auto-resolving a red */
  backInRange: z.boolean(),
  escalated: z.boolean(),
  /**
   * When the alert was last marked back in range; kept when readings go out of range again, so a
   * red after an acknowledged episode ended (in range since the acknowledgement) is told from a
   * repeat. Null if never, and on rows from before this field.
   */
  backInRangeAt: InstantSchema.nullable().default(null),
  /** when an alert someone had dealt with went red again and was opened as a new red; null if never */
  reraisedAt: InstantSchema.nullable().default(null),
  /**
   * The value the alert showed when it was acknowledged (same meaning as `value`): a later reading
   * materially worse than it re-raises the alert as a new red (applyFinding in @tm/rules). Null or
   * absent before the first acknowledgement and on rows from before this field.
   */
  acknowledgedValue: z.number().nullable().optional(),
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
