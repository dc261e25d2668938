import { Inject, Injectable } from '@nestjs/common';
import {
  type AdminGateway,
  type AdminPatient,
  type AdminUser,
  type AuditLogEntry,
  type AuditQuery,
  type CareTeam,
  type CreateCareTeamBody,
  type CreateGatewayBody,
  type CreatePatientBody,
  type CreateUserBody,
  type GatewayWithSecret,
  type MeasurementSchedule,
  type User,
} from '@tm/contracts';
import type { Db, Queryable } from '../db/db';
import { DB } from '../shared/tokens';
import { AuditService } from '../audit/audit.service';
import { hashSecret, newSecret } from '../security/secrets';
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

  listCareTeams(): Promise<CareTeam[]> {
    return organisation.listCareTeams(this.db);
  }

  createCareTeam(actor: Actor, body: CreateCareTeamBody): Promise<CareTeam> {
    return this.change(actor, 'care_team.create', null, async (tx) => ({ result: await organisation.insertCareTeam(tx, body), detail: { ...body } }));
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

  listGateways(): Promise<AdminGateway[]> {
    return organisation.listGateways(this.db);
  }

  async createGateway(actor: Actor, body: CreateGatewayBody): Promise<GatewayWithSecret> {
    const secret = newSecret();
    const secretHash = await hashSecret(secret);
    const gateway = await this.change(actor, 'gateway.create', body.patientId ?? null, async (tx) => {
      await organisation.insertGateway(tx, body.id, secretHash);
      const created = body.patientId === undefined ? await organisation.findGateway(tx, body.id) : await organisation.bindGateway(tx, body.id, body.patientId);
      return { result: created, detail: { gatewayId: body.id } };
    });
    return { ...gateway, secret };
  }

  async rotateGatewaySecret(actor: Actor, id: string): Promise<GatewayWithSecret> {
    const secret = newSecret();
    const secretHash = await hashSecret(secret);
    const gateway = await this.change(actor, 'gateway.rotate_secret', null, async (tx) => ({ result: await organisation.replaceGatewaySecret(tx, id, secretHash), detail: { gatewayId: id } }));
    return { ...gateway, secret };
  }

  /**
   * A revoked gateway cannot connect again, and it no longer speaks for its patient: measurements
   * sent on a connection opened before the revocation are refused as coming from an unbound gateway.
   */
  revokeGateway(actor: Actor, id: string): Promise<AdminGateway> {
    return this.change(actor, 'gateway.revoke', null, async (tx) => {
      const before = await organisation.findGateway(tx, id);
      const after = await organisation.revokeGateway(tx, id);
      return { result: after, detail: { gatewayId: id, formerPatientId: before.patientId } };
    });
  }

  bindGateway(actor: Actor, id: string, patientId: string): Promise<AdminGateway> {
    return this.change(actor, 'gateway.bind', patientId, async (tx) => {
      const before = await organisation.findGateway(tx, id);
      const after = await organisation.bindGateway(tx, id, patientId);
      return { result: after, detail: { gatewayId: id, formerPatientId: before.patientId } };
    });
  }

  /** Reading the audit log is itself audited. */
  async auditEntries(actor: Actor, filter: AuditQuery, format: 'json' | 'csv'): Promise<AuditLogEntry[]> {
    const entries = await findAuditEntries(this.db, filter);
    await this.read(actor, format === 'csv' ? 'audit.export' : 'audit.read', { filter, rows: entries.length });
    return entries;
  }
}
