import { OutOfHoursHelplineSchema, ServiceHoursSchema, type AdminGateway, type AdminPatient, type CareTeam, type CareTeamHoursBody, type CareTeamKind, type MeasurementSchedule, type Programme } from '@tm/contracts';
import type { Queryable } from '../db/db';
import { AdminError } from './admin-error';

// Care teams, patients and gateways as the administrator sees them. Parameterised SQL only;
// callers run the writes inside one transaction together with their audit entry.

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** Postgres error codes the administrator can act on. */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

interface CareTeamRow {
  id: string;
  name: string;
  kind: CareTeamKind;
  created_at: Date;
  service_hours: unknown;
  out_of_hours_helpline: string;
}
const CARE_TEAM_COLUMNS = 'id, name, kind, created_at, service_hours, out_of_hours_helpline';
/** Hours edited by hand into a shape the contract does not accept are left out, not passed on. */
function toCareTeam(r: CareTeamRow): CareTeam {
  const hours = ServiceHoursSchema.safeParse(r.service_hours);
  const helpline = OutOfHoursHelplineSchema.safeParse(r.out_of_hours_helpline);
  return { id: r.id, name: r.name, kind: r.kind, createdAt: r.created_at.toISOString(), serviceHours: hours.success ? hours.data : undefined, helpline: helpline.success ? helpline.data : undefined };
}

export async function listCareTeams(db: Queryable): Promise<CareTeam[]> {
  const { rows } = await db.query<CareTeamRow>(`SELECT ${CARE_TEAM_COLUMNS} FROM care_teams ORDER BY id`);
  return rows.map(toCareTeam);
}

/** Sets a care team's service hours and out-of-hours helpline; the team before and after, for the audit entry. */
export async function setCareTeamHours(db: Queryable, id: string, hours: CareTeamHoursBody): Promise<{ before: CareTeam; after: CareTeam }> {
  const { rows } = await db.query<CareTeamRow>(`SELECT ${CARE_TEAM_COLUMNS} FROM care_teams WHERE id = $1 FOR UPDATE`, [id]);
  if (!rows[0]) throw new AdminError('not_found', `no care team ${id}`);
  const updated = await db.query<CareTeamRow>(`UPDATE care_teams SET service_hours = $2, out_of_hours_helpline = $3 WHERE id = $1 RETURNING ${CARE_TEAM_COLUMNS}`, [
    id,
    JSON.stringify(hours.serviceHours),
    hours.helpline,
  ]);
  return { before: toCareTeam(rows[0]), after: toCareTeam(updated.rows[0]!) };
}

export async function insertCareTeam(db: Queryable, team: { id: string; name: string; kind: CareTeamKind }): Promise<CareTeam> {
  try {
    const { rows } = await db.query<CareTeamRow>(`INSERT INTO care_teams (id, name, kind) VALUES ($1, $2, $3) RETURNING ${CARE_TEAM_COLUMNS}`, [team.id, team.name, team.kind]);
    return toCareTeam(rows[0]!);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AdminError('already_exists', `care team ${team.id} exists already; choose another id`);
    throw error;
  }
}

/** Every id must name an existing care team; the message lists the ones that do not. */
export async function assertCareTeamsExist(db: Queryable, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const { rows } = await db.query<{ id: string }>('SELECT id FROM care_teams WHERE id = ANY($1)', [ids]);
  const known = new Set(rows.map((r) => r.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new AdminError('unknown_care_team', `no care team ${unknown.join(', ')}; create it first or check the spelling`);
}

interface PatientRow {
  id: string;
  display_name: string;
  programme: Programme;
  schedule: MeasurementSchedule;
  paused_until: Date | null;
  care_teams: string[];
  gateways: string[];
}

const PATIENT_SELECT = `
  SELECT p.id, p.display_name, p.programme, p.schedule, p.paused_until,
         coalesce((SELECT array_agg(care_team_id ORDER BY care_team_id) FROM patient_care_teams WHERE patient_id = p.id), '{}') AS care_teams,
         coalesce((SELECT array_agg(gateway_id ORDER BY gateway_id) FROM gateway_patients WHERE patient_id = p.id), '{}') AS gateways
  FROM patients p`;

const toPatient = (r: PatientRow): AdminPatient => ({
  id: r.id,
  displayName: r.display_name,
  programme: r.programme,
  careTeams: r.care_teams,
  schedule: r.schedule,
  pausedUntil: iso(r.paused_until),
  gateways: r.gateways,
});

export async function listPatients(db: Queryable): Promise<AdminPatient[]> {
  const { rows } = await db.query<PatientRow>(`${PATIENT_SELECT} ORDER BY p.id`);
  return rows.map(toPatient);
}

export async function findPatient(db: Queryable, id: string): Promise<AdminPatient> {
  const { rows } = await db.query<PatientRow>(`${PATIENT_SELECT} WHERE p.id = $1`, [id]);
  const row = rows[0];
  if (!row) throw new AdminError('not_found', `no patient ${id}`);
  return toPatient(row);
}

export async function insertPatient(
  db: Queryable,
  patient: { id: string; displayName: string; programme: Programme; careTeams: string[]; schedule: MeasurementSchedule },
): Promise<AdminPatient> {
  await assertCareTeamsExist(db, patient.careTeams);
  try {
    await db.query('INSERT INTO patients (id, display_name, programme, schedule) VALUES ($1, $2, $3, $4)', [patient.id, patient.displayName, patient.programme, JSON.stringify(patient.schedule)]);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AdminError('already_exists', `patient ${patient.id} exists already; choose another id`);
    throw error;
  }
  await replaceCareTeams(db, patient.id, patient.careTeams);
  return findPatient(db, patient.id);
}

async function replaceCareTeams(db: Queryable, patientId: string, careTeams: readonly string[]): Promise<void> {
  await db.query('DELETE FROM patient_care_teams WHERE patient_id = $1 AND NOT (care_team_id = ANY($2))', [patientId, careTeams]);
  await db.query('INSERT INTO patient_care_teams (patient_id, care_team_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [patientId, careTeams]);
}

export async function updatePatient(
  db: Queryable,
  id: string,
  change: { pausedUntil?: string | null; careTeams?: string[]; schedule?: MeasurementSchedule },
): Promise<AdminPatient> {
  await findPatient(db, id);
  if (change.pausedUntil !== undefined) await db.query(
      `UPDATE patients SET
         paused_from = CASE WHEN $2::timestamptz IS NULL THEN NULL WHEN paused_until > now() THEN paused_from ELSE now() END,
         resumed_at = CASE WHEN $2::timestamptz IS NULL AND paused_until > now() THEN now() ELSE resumed_at END,
         paused_until = $2
       WHERE id = $1`,
      [id, change.pausedUntil],
    );
  if (change.schedule !== undefined) await db.query('UPDATE patients SET schedule = $2 WHERE id = $1', [id, JSON.stringify(change.schedule)]);
  if (change.careTeams !== undefined) {
    await assertCareTeamsExist(db, change.careTeams);
    await replaceCareTeams(db, id, change.careTeams);
  }
  return findPatient(db, id);
}

interface GatewayRow {
  id: string;
  patient_id: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

// A gateway speaks for one home, so the administrator binds it to one patient; the table allows
// more (the demo seed uses one each), and the listing shows the most recent binding.
const GATEWAY_SELECT = `
  SELECT g.id, g.created_at, g.revoked_at,
         (SELECT patient_id FROM gateway_patients WHERE gateway_id = g.id ORDER BY bound_at DESC, patient_id LIMIT 1) AS patient_id
  FROM gateways g`;

const toGateway = (r: GatewayRow): AdminGateway => ({ id: r.id, patientId: r.patient_id, createdAt: r.created_at.toISOString(), revokedAt: iso(r.revoked_at) });

export async function listGateways(db: Queryable): Promise<AdminGateway[]> {
  const { rows } = await db.query<GatewayRow>(`${GATEWAY_SELECT} ORDER BY g.id`);
  return rows.map(toGateway);
}

export async function findGateway(db: Queryable, id: string): Promise<AdminGateway> {
  const { rows } = await db.query<GatewayRow>(`${GATEWAY_SELECT} WHERE g.id = $1`, [id]);
  const row = rows[0];
  if (!row) throw new AdminError('not_found', `no gateway ${id}`);
  return toGateway(row);
}

export async function insertGateway(db: Queryable, id: string, secretHash: string): Promise<void> {
  try {
    await db.query('INSERT INTO gateways (id, secret_hash) VALUES ($1, $2)', [id, secretHash]);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AdminError('already_exists', `gateway ${id} exists already; rotate its secret instead of creating it again`);
    throw error;
  }
}

/** Replaces whatever patient the gateway spoke for: a gateway moved to a new home stops delivering for the old one. */
export async function bindGateway(db: Queryable, gatewayId: string, patientId: string): Promise<AdminGateway> {
  const gateway = await findGateway(db, gatewayId);
  if (gateway.revokedAt !== null) throw new AdminError('gateway_revoked', `gateway ${gatewayId} is revoked; create a new gateway for this home`);
  const { rows } = await db.query<{ id: string }>('SELECT id FROM patients WHERE id = $1', [patientId]);
  if (rows.length === 0) throw new AdminError('unknown_patient', `no patient ${patientId}; create the patient first`);
  await db.query('DELETE FROM gateway_patients WHERE gateway_id = $1 AND patient_id <> $2', [gatewayId, patientId]);
  await db.query('INSERT INTO gateway_patients (gateway_id, patient_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [gatewayId, patientId]);
  return findGateway(db, gatewayId);
}

export async function replaceGatewaySecret(db: Queryable, gatewayId: string, secretHash: string): Promise<AdminGateway> {
  const gateway = await findGateway(db, gatewayId);
  if (gateway.revokedAt !== null) throw new AdminError('gateway_revoked', `gateway ${gatewayId} is revoked; create a new gateway for this home`);
  await db.query('UPDATE gateways SET secret_hash = $2 WHERE id = $1', [gatewayId, secretHash]);
  return gateway;
}

/** Revoking twice keeps the first time. The binding goes too: a revoked gateway speaks for nobody. */
export async function revokeGateway(db: Queryable, gatewayId: string): Promise<AdminGateway> {
  await findGateway(db, gatewayId);
  await db.query('DELETE FROM gateway_patients WHERE gateway_id = $1', [gatewayId]);
  await db.query('UPDATE gateways SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1', [gatewayId]);
  return findGateway(db, gatewayId);
}
