import { z } from 'zod';
import { OutOfHoursHelplineSchema, ServiceHoursSchema } from './out-of-hours';
import { MEASUREMENT_TYPES } from './codes';
import { GatewayIdSchema, IdSchema, InstantSchema, MeasurementTypeSchema, PatientIdSchema } from './measurement';
import { ClinicianRoleSchema, RoleSchema } from './rest';
import { ProgrammeSchema } from './thresholds';

/** Hours within which each expected measurement type should arrive, e.g. `{ pulse_oximetry: 48 }`. */
export const MeasurementScheduleSchema = z.partialRecord(MeasurementTypeSchema, z.number().int().min(1).max(24 * 31));
export type MeasurementSchedule = z.infer<typeof MeasurementScheduleSchema>;

/**
 * The schedule as an administrator types it in one field: `pulse_oximetry:48, body_weight:24`.
 * Kept beside the object form so the admin page's text field and API clients both work.
 */
export const MeasurementScheduleTextSchema = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const schedule: Record<string, number> = {};
    for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
      const match = /^([a-z_]+)\s*[:=]\s*(\d+)\s*h?$/.exec(part);
      if (!match || !(MEASUREMENT_TYPES as readonly string[]).includes(match[1] ?? '')) {
        ctx.addIssue({ code: 'custom', message: `"${part}": write <type>:<hours> with a type among ${MEASUREMENT_TYPES.join(', ')}` });
        return z.NEVER;
      }
      schedule[match[1] as string] = Number(match[2]);
    }
    return schedule;
  })
  .pipe(MeasurementScheduleSchema);

const CareTeamIdSchema = IdSchema;
const CareTeamIdsSchema = z.array(CareTeamIdSchema).max(20);

export const CareTeamKindSchema = z.enum(['hospital', 'municipality']);
export type CareTeamKind = z.infer<typeof CareTeamKindSchema>;

export const CreateCareTeamBodySchema = z.object({ id: CareTeamIdSchema, name: z.string().trim().min(1).max(200), kind: CareTeamKindSchema });
export type CreateCareTeamBody = z.infer<typeof CreateCareTeamBodySchema>;
export const CareTeamSchema = CreateCareTeamBodySchema.extend({
  createdAt: InstantSchema,
  /** when the team itself answers its patients (issue 17 item 7); outside them the app points to `helpline` and 112 */
  serviceHours: ServiceHoursSchema.optional(),
  helpline: OutOfHoursHelplineSchema.optional(),
});
export type CareTeam = z.infer<typeof CareTeamSchema>;

/** PUT /api/admin/care-teams/:id/service-hours: the team's service hours and whom its patients call out of hours. */
export const CareTeamHoursBodySchema = z.object({ serviceHours: ServiceHoursSchema, helpline: OutOfHoursHelplineSchema }).strict();
export type CareTeamHoursBody = z.infer<typeof CareTeamHoursBodySchema>;

export const CreateUserBodySchema = z.object({
  username: z.string().trim().min(1).max(64).regex(/^[a-z0-9][a-z0-9._-]*$/, 'user names are lower-case letters, digits and . _ -'),
  displayName: z.string().trim().min(1).max(200),
  password: z.string().min(8, 'a password has at least 8 characters').max(256),
  /** clinicians only: a patient's sign-in is linked to the patient (users.patient_id), which this body cannot say */
  role: ClinicianRoleSchema,
  careTeams: CareTeamIdsSchema.default([]),
});
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;
export const AdminUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  careTeams: z.array(z.string()),
  disabledAt: InstantSchema.nullable(),
});
export type AdminUser = z.infer<typeof AdminUserSchema>;

export const CreatePatientBodySchema = z.object({
  id: PatientIdSchema,
  displayName: z.string().trim().min(1).max(200),
  programme: ProgrammeSchema,
  careTeams: CareTeamIdsSchema.min(1, 'a patient is followed by at least one care team'),
  schedule: z.union([MeasurementScheduleSchema, MeasurementScheduleTextSchema]).optional(),
});
export type CreatePatientBody = z.input<typeof CreatePatientBodySchema>;

/** Pause monitoring until an instant (`null` resumes), change the care teams or the schedule. */
export const UpdatePatientBodySchema = z
  .object({
    pausedUntil: InstantSchema.nullable().optional(),
    careTeams: CareTeamIdsSchema.min(1, 'a patient is followed by at least one care team').optional(),
    schedule: z.union([MeasurementScheduleSchema, MeasurementScheduleTextSchema]).optional(),
  })
  .refine((b) => b.pausedUntil !== undefined || b.careTeams !== undefined || b.schedule !== undefined, 'send pausedUntil, careTeams or schedule');
export type UpdatePatientBody = z.input<typeof UpdatePatientBodySchema>;

export const AdminPatientSchema = z.object({
  id: PatientIdSchema,
  displayName: z.string(),
  programme: ProgrammeSchema,
  careTeams: z.array(z.string()),
  schedule: MeasurementScheduleSchema,
  pausedUntil: InstantSchema.nullable(),
  gateways: z.array(z.string()),
});
export type AdminPatient = z.infer<typeof AdminPatientSchema>;

export const CreateGatewayBodySchema = z.object({ id: GatewayIdSchema, patientId: PatientIdSchema.optional() });
export type CreateGatewayBody = z.infer<typeof CreateGatewayBodySchema>;
export const BindGatewayBodySchema = z.object({ patientId: PatientIdSchema });
export type BindGatewayBody = z.infer<typeof BindGatewayBodySchema>;

export const AdminGatewaySchema = z.object({
  id: GatewayIdSchema,
  patientId: PatientIdSchema.nullable(),
  createdAt: InstantSchema,
  revokedAt: InstantSchema.nullable(),
});
export type AdminGateway = z.infer<typeof AdminGatewaySchema>;
/** The only response that ever carries a gateway's secret: on creation and on rotation. */
export const GatewayWithSecretSchema = AdminGatewaySchema.extend({ secret: z.string() });
export type GatewayWithSecret = z.infer<typeof GatewayWithSecretSchema>;

const IsoQuery = z.iso.datetime({ offset: true });
export const AuditQuerySchema = z.object({
  patientId: z.string().max(128).optional(),
  userId: z.string().max(128).optional(),
  from: IsoQuery.optional(),
  to: IsoQuery.optional(),
  limit: z.coerce.number().int().min(1).max(10000).default(1000),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

/** One row of the append-only audit log: who did or read what, about which patient, from where. */
export const AuditLogEntrySchema = z.object({
  id: z.string(),
  at: InstantSchema,
  userId: z.string().nullable(),
  username: z.string(),
  role: z.string(),
  action: z.string(),
  patientId: z.string().nullable(),
  sourceAddress: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditLogEntry = z.infer<typeof AuditLogEntrySchema>;
