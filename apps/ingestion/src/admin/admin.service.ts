import { Inject, Injectable } from '@nestjs/common';
import {
  type AdminPatient,
  type AdminUser,
  type AuditLogEntry,
  type AuditQuery,
  type CareTeam,
  type CareTeamHoursBody,
  type CreateCareTeamBody,
  type CreatePatientBody,
  type CreateUserBody,
  type MeasurementSchedule,
  type OneTimePasswordResponse,
  type PatientSignInResponse,
  type User,
  pauseProblem,
} from '@tm/contracts';
import type { Db, Queryable } from '../db/db';
import { DB } from '../shared/tokens';
import { AuditService } from '../audit/audit.service';
import { oneTimePassword } from '../auth/passwords';
import { hashSecret } from '../security/secrets';
import { AdminError } from './admin-error';
import { findAuditEntries } from './audit-log-repository';
import * as organisation from './organisation-repository';
import * as users from './user-repository';

/** Who is acting and from where: every change is written to the audit log in the same transaction. */
export interface Actor {
  user: User;
  source: string;
}

/** A parsed create-patient body: the schedule is already an object. */
export type NewPatient = Omit<CreatePatientBody, 'schedule'> & { schedule?: MeasurementSchedule };
export interface PatientChange {
  pausedUntil?: string | null;
  careTeams?: string[];
  schedule?: MeasurementSchedule;
}

@Injectable()
export class AdminService {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  /** The change and its audit row commit together or not at all. */
  private change<T>(actor: Actor, action: string, patientId: string | null, work: (tx: Queryable) => Promise<{ result: T; detail: Record<string, unknown> }>): Promise<T> {
    return this.db.transaction(async (tx) => {
      const { result, detail } = await work(tx);
      await this.audit.record({ user: { id: actor.user.id, username: actor.user.username, role: actor.user.role }, action, patientId, source: actor.source, detail }, tx);
      return result;
    });
  }

  private read(actor: Actor, action: string, detail: Record<string, unknown>): Promise<void> {
    return this.audit.record({ user: { id: actor.user.id, username: actor.user.username, role: actor.user.role }, action, source: actor.source, detail });
  }

  listUsers(): Promise<AdminUser[]> {
    return users.listUsers(this.db);
  }

  async createUser(actor: Actor, body: CreateUserBody): Promise<AdminUser> {
    const passwordHash = await hashSecret(body.password);
    return this.change(actor, 'user.create', null, async (tx) => {
      const user = await users.insertUser(tx, { username: body.username, displayName: body.displayName, role: body.role, careTeams: body.careTeams, passwordHash });
      return { result: user, detail: { userId: user.id, username: user.username, role: user.role, careTeams: user.careTeams } };
    });
  }

  disableUser(actor: Actor, id: string): Promise<AdminUser> {
    if (id === actor.user.id) throw new AdminError('invalid_request', 'you cannot disable your own account; ask another administrator');
    return this.change(actor, 'user.disable', null, async (tx) => {
      const user = await users.disableUser(tx, id);
      return { result: user, detail: { userId: user.id, username: user.username } };
    });
  }

  /** A one-time password, shown once; the user chooses their own at the next sign-in and their open sessions end now. */
  async resetPassword(actor: Actor, id: string): Promise<OneTimePasswordResponse> {
    if (id === actor.user.id) throw new AdminError('invalid_request', 'to change your own password use "Skift adgangskode" (POST /api/auth/password)');
    const password = oneTimePassword();
    const passwordHash = await hashSecret(password);
    await this.change(actor, 'user.reset_password', null, async (tx) => {
      const user = await users.setOneTimePassword(tx, id, passwordHash, new Date());
      return { result: user, detail: { userId: user.id, username: user.username } };
    });
    return { oneTimePassword: password };
  }

  /** Creates or replaces the patient's own sign-in (ARCHITECTURE.md §10, §11): a one-time password, shown once. */
  async givePatientSignIn(actor: Actor, patientId: string, username: string): Promise<PatientSignInResponse> {
    const password = oneTimePassword();
    const passwordHash = await hashSecret(password);
    return this.change(actor, 'patient.sign_in.create', patientId, async (tx) => {
      const patient = await organisation.findPatient(tx, patientId);
      const before = await users.findPatientUser(tx, patientId);
      const user = await users.upsertPatientUser(tx, patient, username, passwordHash, new Date());
      return { result: { username: user.username, oneTimePassword: password }, detail: { userId: user.id, username: user.username, replaced: before?.username ?? null } };
    });
  }

  /** Removes the patient's sign-in; 404 when they have none. */
  async removePatientSignIn(actor: Actor, patientId: string): Promise<void> {
    await this.change(actor, 'patient.sign_in.delete', patientId, async (tx) => {
      await organisation.findPatient(tx, patientId);
      const removed = await users.deletePatientUser(tx, patientId);
      if (!removed) throw new AdminError('not_found', `patient ${patientId} has no sign-in to remove`);
      return { result: undefined, detail: { userId: removed.id, username: removed.username } };
    });
  }

  listCareTeams(): Promise<CareTeam[]> {
    return organisation.listCareTeams(this.db);
  }

  createCareTeam(actor: Actor, body: CreateCareTeamBody): Promise<CareTeam> {
    return this.change(actor, 'care_team.create', null, async (tx) => ({ result: await organisation.insertCareTeam(tx, body), detail: { ...body } }));
  }

  /** A care team's service hours and out-of-hours helpline, as its patients' apps and the escalation route use them. */
  setCareTeamHours(actor: Actor, id: string, body: CareTeamHoursBody): Promise<CareTeam> {
    return this.change(actor, 'care_team.service_hours', null, async (tx) => {
      const { before, after } = await organisation.setCareTeamHours(tx, id, body);
      return { result: after, detail: { careTeamId: id, from: { serviceHours: before.serviceHours, helpline: before.helpline }, to: body } };
    });
  }

  listPatients(): Promise<AdminPatient[]> {
    return organisation.listPatients(this.db);
  }

  createPatient(actor: Actor, body: NewPatient): Promise<AdminPatient> {
    return this.change(actor, 'patient.create', body.id, async (tx) => {
      const patient = await organisation.insertPatient(tx, { ...body, schedule: body.schedule ?? {} });
      return { result: patient, detail: { programme: patient.programme, careTeams: patient.careTeams, schedule: patient.schedule } };
    });
  }

  updatePatient(actor: Actor, id: string, change: PatientChange): Promise<AdminPatient> {
    const action = change.pausedUntil === undefined ? 'patient.update' : change.pausedUntil === null ? 'patient.resume' : 'patient.pause';
    // A pause's length is bounded (issue 17, item 14: pauseProblem): a long one is the end of the programme.
    const pause = change.pausedUntil ? pauseProblem(new Date(), new Date(change.pausedUntil)) : null;
    if (pause) throw new AdminError('invalid_request', pause.message.startsWith(pause.field) ? pause.message : `${pause.field}: ${pause.message}`);
    return this.change(actor, action, id, async (tx) => {
      const before = await organisation.findPatient(tx, id);
      const after = await organisation.updatePatient(tx, id, change);
      const detail: Record<string, unknown> = {};
      if (change.pausedUntil !== undefined) detail.pausedUntil = { from: before.pausedUntil, to: after.pausedUntil };
      if (change.careTeams !== undefined) detail.careTeams = { from: before.careTeams, to: after.careTeams };
      if (change.schedule !== undefined) detail.schedule = { from: before.schedule, to: after.schedule };
      return { result: after, detail };
    });
  }

  /** Reading the audit log is itself audited. */
  async auditEntries(actor: Actor, filter: AuditQuery, format: 'json' | 'csv'): Promise<AuditLogEntry[]> {
    const entries = await findAuditEntries(this.db, filter);
    await this.read(actor, format === 'csv' ? 'audit.export' : 'audit.read', { filter, rows: entries.length });
    return entries;
  }
}
