import { z } from 'zod';
import { InstantSchema, PatientIdSchema } from './measurement';
import { AlertStatusSchema } from './live';
import { ProgrammeSchema, TriageSchema } from './thresholds';

/** Clinicians' roles; a clinician route refuses every other role. */
export const CLINICIAN_ROLES = ['nurse', 'homecare', 'admin'] as const;
export const ClinicianRoleSchema = z.enum(CLINICIAN_ROLES);
export type ClinicianRole = z.infer<typeof ClinicianRoleSchema>;
/** `patient`: a patient signed in to their own app (ARCHITECTURE.md §10); sees only themself. */
export const RoleSchema = z.enum([...CLINICIAN_ROLES, 'patient']);
export type Role = z.infer<typeof RoleSchema>;

export const LoginBodySchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });
export type LoginBody = z.infer<typeof LoginBodySchema>;

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  careTeams: z.array(z.string()),
  /** role patient only: the patient this user is */
  patientId: PatientIdSchema.optional(),
});
export type User = z.infer<typeof UserSchema>;

export const LoginResponseSchema = z.object({ token: z.string(), expiresAt: InstantSchema, user: UserSchema });
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

/** A patient's place on the board: an open alert's severity, green, or `no_data` (no reading ever received: not green). */
export const BoardTriageSchema = z.enum([...TriageSchema.options, 'no_data']);
export type BoardTriage = z.infer<typeof BoardTriageSchema>;

/** The board's order: `id`, or `triage` (red, yellow, no data, green; the newest unacknowledged first within a colour). */
export const PatientsSortSchema = z.enum(['id', 'triage']);
export type PatientsSort = z.infer<typeof PatientsSortSchema>;

/**
 * GET /api/patients: search (name or patient id), filters, order and paging; the total is in
 * `X-Total-Count`, how many of each triage in `X-Triage-Counts` (TriageCountsSchema).
 */
export const PatientsQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  programme: ProgrammeSchema.optional(),
  triage: BoardTriageSchema.optional(),
  team: z.string().max(100).optional(),
  /** `1`: only the patients the caller is the responsible nurse of */
  mine: z.enum(['1', '0', 'true', 'false']).transform((v) => v === '1' || v === 'true').optional(),
  /** `1`: the patients whose programme has ended (discharged) instead of those in it; `any`: both (a record opened by id) */
  discharged: z
    .enum(['1', '0', 'true', 'false', 'any'])
    .transform((v) => (v === 'any' ? ('any' as const) : v === '1' || v === 'true'))
    .optional(),
  sort: PatientsSortSchema.optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
  offset: z.coerce.number().int().min(0).default(0),
});
export type PatientsQuery = z.infer<typeof PatientsQuerySchema>;

/** `X-Triage-Counts` of GET /api/patients (JSON): of the patients the query keeps, on every page, how many of each triage. */
export const TriageCountsSchema = z.object({ red: z.number().int().min(0), yellow: z.number().int().min(0), green: z.number().int().min(0), no_data: z.number().int().min(0) });
export type TriageCounts = z.infer<typeof TriageCountsSchema>;

/** PUT /api/patients/:id/assignee: the nurse responsible, or null for nobody. */
export const AssigneeBodySchema = z.object({ userId: z.string().min(1).max(100).nullable() });
export type AssigneeBody = z.infer<typeof AssigneeBodySchema>;

export const PatientSummarySchema = z.object({
  id: PatientIdSchema,
  displayName: z.string(),
  programme: ProgrammeSchema,
  careTeams: z.array(z.string()),
  triage: BoardTriageSchema,
  /** the nurse responsible (PUT /api/patients/:id/assignee), null for nobody */
  assignee: z.object({ id: z.string(), displayName: z.string() }).nullable().optional(),
  /** why the patient has this triage: the worst open alert's message, or null when green */
  triageReason: z.string().nullable(),
  triageValue: z.number().nullable(),
  triageSince: InstantSchema.nullable(),
  lastMeasurementAt: InstantSchema.nullable(),
  pausedUntil: InstantSchema.nullable(),
  /** the end of the patient's programme (POST /api/patients/:id/discharge); null while in it */
  dischargedAt: InstantSchema.nullable().optional(),
  /** the patient is on personal limits (set by a physician or nurse): who set them and when; null on the programme's defaults */
  personalLimits: z.object({ setBy: z.string().nullable(), setAt: InstantSchema }).nullable().optional(),
});
export type PatientSummary = z.infer<typeof PatientSummarySchema>;

export const ObservationRowSchema = z.object({
  measurementId: z.string(),
  code: z.string(),
  value: z.number(),
  unit: z.string(),
  measuredAt: InstantSchema,
  receivedAt: InstantSchema,
  deviceId: z.string(),
});
export type ObservationRow = z.infer<typeof ObservationRowSchema>;

const IsoQuery = z.iso.datetime({ offset: true });
export const ObservationsQuerySchema = z.object({
  code: z.string().optional(),
  from: IsoQuery.optional(),
  to: IsoQuery.optional(),
  limit: z.coerce.number().int().min(1).max(10000).default(1000),
});
export const TrendBucketSizeSchema = z.enum(['1h', '1d', '1w']);
export const TrendsQuerySchema = z.object({
  code: z.string().min(1),
  bucket: TrendBucketSizeSchema.default('1d'),
  from: IsoQuery.optional(),
  to: IsoQuery.optional(),
});
export const TrendBucketSchema = z.object({
  bucket: InstantSchema,
  min: z.number(),
  max: z.number(),
  avg: z.number(),
  last: z.number(),
  count: z.number().int(),
});
export type TrendBucket = z.infer<typeof TrendBucketSchema>;

export const AlertsQuerySchema = z.object({
  status: AlertStatusSchema.optional(),
  patientId: PatientIdSchema.optional(),
});
export const AlertActionBodySchema = z.object({ note: z.string().max(2000).optional() });
export type AlertActionBody = z.infer<typeof AlertActionBodySchema>;

/**
 * `escalationWebhook`: with ESCALATION_WEBHOOK_URL, the escalation route to the on-call team; down
 * (and `status` degraded) when the last post left an escalation undelivered after every try, up
 * again once the route delivers (it posts undelivered ones again at every escalation check).
 * `brokerAdmin`: with MQTT_URL and MQTT_ADMIN_PASSWORD, the platform's `platform-admin` link to the
 * broker's dynamic security (enrol, rotate, revoke). Shown, but not part of `status`: alerts do not
 * depend on it, and while it is down those admin routes answer 503 themselves.
 */
export const HealthSchema = z.object({ status: z.enum(['ok', 'degraded']), db: z.enum(['up', 'down']), broker: z.enum(['up', 'down']), redis: z.enum(['up', 'down']).optional(), escalationWebhook: z.enum(['up', 'down']).optional(), brokerAdmin: z.enum(['up', 'down']).optional() });
export type Health = z.infer<typeof HealthSchema>;

export const ApiErrorSchema = z.object({ statusCode: z.number(), code: z.string(), message: z.string() });
export type ApiError = z.infer<typeof ApiErrorSchema>;

/** "Acknowledge all green": the nurse has looked at the new readings of these green patients. */
export const GreenReviewBodySchema = z.object({ patientIds: z.array(PatientIdSchema).min(1).max(1000) });
export type GreenReviewBody = z.infer<typeof GreenReviewBodySchema>;
export const GreenReviewResponseSchema = z.object({ reviewed: z.array(PatientIdSchema) });
export type GreenReviewResponse = z.infer<typeof GreenReviewResponseSchema>;
