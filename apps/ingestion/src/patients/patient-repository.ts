import type { BoardTriage, Me, ObservationRow, ObservationsQuerySchema, PatientSummary, Programme, TrendBucket, TrendsQuerySchema } from '@tm/contracts';
import type { z } from 'zod';
import type { Queryable } from '../db/db';

/** What GET /api/patients/:id/devices answers per device (the dashboard's device table). */
export interface DeviceStatus {
  deviceId: string;
  deviceModel: string | null;
  gatewayId: string | null;
  battery: number | null;
  lastSeen: string | null;
  gatewayState: 'online' | 'offline' | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export interface PatientFilter {
  /** part of the name or the patient id, any case */
  q?: string;
  programme?: Programme;
  triage?: BoardTriage;
  team?: string;
  /** only the patients this user is the responsible nurse of */
  assigneeId?: string;
  limit?: number;
  offset?: number;
}

/**
 * The board: of the visible patients, those the filter keeps, by id, with the count of all of
 * them for paging. Set-based: one statement of hash joins over each table read once for all
 * patients (open alerts through the partial index of 080), not index probes per patient.
 */
export async function listPatients(db: Queryable, ids: readonly string[], filter: PatientFilter = {}): Promise<{ patients: PatientSummary[]; total: number }> {
  const { rows } = await db.query<{
    id: string;
    display_name: string;
    programme: Programme;
    paused_until: Date | null;
    care_teams: string[];
    last_measurement_at: Date | null;
    triage: BoardTriage;
    message: string | null;
    value: number | null;
    since: Date | null;
    limits_set_by: string | null;
    limits_set_at: Date | null;
    assignee_id: string | null;
    assignee_name: string | null;
    total: string;
  }>(
    // the worst open alert gives the triage; "since" is when the patient entered it (the earliest
    // of their alerts of that severity to reach it); no reading ever and no alert is "no_data", not green
    `WITH chosen AS (
       SELECT p.id, p.display_name, p.programme, p.paused_until, p.assignee_id FROM patients p
        WHERE p.id = ANY($1)
          AND ($2::text IS NULL OR p.display_name ILIKE '%' || $2 || '%' OR p.id ILIKE '%' || $2 || '%')
          AND ($3::text IS NULL OR p.programme = $3)
          AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM patient_care_teams pt WHERE pt.patient_id = p.id AND pt.care_team_id = $4))
          AND ($5::text IS NULL OR p.assignee_id = $5)),
     open_alerts AS (
       SELECT a.patient_id, a.severity, a.message, a.value, a.raised_at, CASE WHEN a.severity = 'red' THEN coalesce(a.red_since, a.raised_at) ELSE a.raised_at END AS reached_at
         FROM alerts a WHERE a.status <> 'resolved' AND a.patient_id = ANY($1)),
     worst AS (
       SELECT DISTINCT ON (patient_id) patient_id, severity, message, value FROM open_alerts ORDER BY patient_id, (severity = 'red') DESC, raised_at ASC),
     since AS (SELECT patient_id, severity, min(reached_at) AS since FROM open_alerts GROUP BY patient_id, severity),
     seen AS (SELECT patient_id, max(last_measured_at) AS last_measurement_at FROM patient_last_seen WHERE patient_id = ANY($1) GROUP BY patient_id),
     kept AS (
       SELECT c.*, s.last_measurement_at, w.severity, w.message, w.value,
              coalesce(w.severity, CASE WHEN s.last_measurement_at IS NULL THEN 'no_data' ELSE 'green' END) AS triage
         FROM chosen c LEFT JOIN seen s ON s.patient_id = c.id LEFT JOIN worst w ON w.patient_id = c.id),
     page AS (
       SELECT *, count(*) OVER () AS total FROM kept WHERE ($6::text IS NULL OR triage = $6) ORDER BY id LIMIT $7 OFFSET $8),
     teams AS (
       SELECT patient_id, array_agg(care_team_id ORDER BY care_team_id) AS care_teams FROM patient_care_teams WHERE patient_id IN (SELECT id FROM page) GROUP BY patient_id),
     limits AS (
       SELECT DISTINCT ON (patient_id) patient_id, changed_by, effective_from FROM thresholds WHERE patient_id IN (SELECT id FROM page)
        ORDER BY patient_id, effective_from DESC, id DESC)
     SELECT p.id, p.display_name, p.programme, p.paused_until, p.last_measurement_at, p.triage, p.message, p.value, p.total, p.assignee_id,
            coalesce(tm.care_teams, '{}') AS care_teams, si.since, l.changed_by AS limits_set_by, l.effective_from AS limits_set_at, u.display_name AS assignee_name
       FROM page p
       LEFT JOIN teams tm ON tm.patient_id = p.id
       LEFT JOIN since si ON si.patient_id = p.id AND si.severity = p.severity
       LEFT JOIN limits l ON l.patient_id = p.id
       LEFT JOIN users u ON u.id = p.assignee_id
      ORDER BY p.id`,
    [ids, filter.q || null, filter.programme ?? null, filter.team ?? null, filter.assigneeId ?? null, filter.triage ?? null, filter.limit ?? null, filter.offset ?? 0],
  );
  const patients = rows.map((r) => ({
    id: r.id,
    displayName: r.display_name,
    programme: r.programme,
    careTeams: r.care_teams,
    triage: r.triage,
    assignee: r.assignee_id ? { id: r.assignee_id, displayName: r.assignee_name ?? r.assignee_id } : null,
    triageReason: r.message,
    triageValue: r.value,
    triageSince: iso(r.since),
    lastMeasurementAt: iso(r.last_measurement_at),
    pausedUntil: iso(r.paused_until),
    personalLimits: r.limits_set_at ? { setBy: r.limits_set_by, setAt: r.limits_set_at.toISOString() } : null,
  }));
  // a page past the end has no rows to carry the count
  const total = rows[0] ? Number(rows[0].total) : filter.offset ? await countOnly(db, ids, filter) : 0;
  return { patients, total };
}

async function countOnly(db: Queryable, ids: readonly string[], filter: PatientFilter): Promise<number> {
  return (await listPatients(db, ids, { ...filter, offset: 0, limit: 1 })).total;
}

/** Sets the nurse responsible for a patient; false when the user is not a clinician of one of the patient's care teams. */
export async function setAssignee(db: Queryable, patientId: string, userId: string | null): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE patients p SET assignee_id = $2
      WHERE p.id = $1
        AND ($2::text IS NULL OR EXISTS (
              SELECT 1 FROM users u JOIN user_care_teams ut ON ut.user_id = u.id JOIN patient_care_teams pt ON pt.care_team_id = ut.care_team_id
               WHERE u.id = $2 AND u.role IN ('nurse', 'homecare') AND u.disabled_at IS NULL AND pt.patient_id = p.id))`,
    [patientId, userId],
  );
  return (rowCount ?? 0) > 0;
}

/** The latest `limit` observations in the range, oldest first. */
export async function observationsOf(db: Queryable, patientId: string, q: Partial<z.infer<typeof ObservationsQuerySchema>>): Promise<ObservationRow[]> {
  const { rows } = await db.query<{ measurement_id: string; code: string; value: number; unit: string; measured_at: Date; received_at: Date; device_id: string }>(
    `SELECT * FROM (
       SELECT measurement_id, code, value, unit, measured_at, received_at, device_id FROM observations
        WHERE patient_id = $1 AND ($2::text IS NULL OR code = $2)
          AND ($3::timestamptz IS NULL OR measured_at >= $3) AND ($4::timestamptz IS NULL OR measured_at <= $4)
        ORDER BY measured_at DESC LIMIT $5) latest
      ORDER BY measured_at, code`,
    [patientId, q.code ?? null, q.from ?? null, q.to ?? null, q.limit ?? 1000],
  );
  return rows.map((r) => ({ measurementId: r.measurement_id, code: r.code, value: r.value, unit: r.unit, measuredAt: r.measured_at.toISOString(), receivedAt: r.received_at.toISOString(), deviceId: r.device_id }));
}

/** Hourly and daily buckets come from the continuous aggregates (plain views without TimescaleDB); weekly ones re-bucket the daily ones. */
export async function trendsOf(db: Queryable, patientId: string, q: z.infer<typeof TrendsQuerySchema>): Promise<TrendBucket[]> {
  const params = [patientId, q.code, q.from ?? null, q.to ?? null];
  const range = `patient_id = $1 AND code = $2 AND ($3::timestamptz IS NULL OR bucket >= $3) AND ($4::timestamptz IS NULL OR bucket <= $4)`;
  const sql =
    q.bucket === '1w'
      ? // date_bin from time_bucket's origin (Monday 2000-01-03 UTC) and array_agg for "last": the
        // same weeks and answers with or without TimescaleDB (a plain server has neither function)
        `SELECT date_bin(INTERVAL '7 days', bucket, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS bucket, min(min) AS min, max(max) AS max,
                sum(avg * count) / sum(count) AS avg, (array_agg(last ORDER BY bucket DESC))[1] AS last, sum(count) AS count
           FROM observations_daily WHERE ${range} GROUP BY 1 ORDER BY 1`
      : `SELECT bucket, min, max, avg, last, count FROM ${q.bucket === '1h' ? 'observations_hourly' : 'observations_daily'} WHERE ${range} ORDER BY bucket`;
  const { rows } = await db.query<{ bucket: Date; min: number; max: number; avg: number; last: number; count: string }>(sql, params);
  return rows.map((r) => ({ bucket: r.bucket.toISOString(), min: Number(r.min), max: Number(r.max), avg: Number(r.avg), last: Number(r.last), count: Number(r.count) }));
}

/** Devices the patient's gateways report (battery, last seen), plus any device that has delivered readings. */
export async function devicesOf(db: Queryable, patientId: string): Promise<DeviceStatus[]> {
  const status = await db.query<{ gateway_id: string; state: 'online' | 'offline' | null; devices: Array<{ deviceId: string; deviceModel?: string; battery?: number; lastSeen?: string }> | null }>(
    `SELECT gp.gateway_id, gs.state, gs.devices FROM gateway_patients gp LEFT JOIN gateway_status gs ON gs.gateway_id = gp.gateway_id WHERE gp.patient_id = $1 ORDER BY gp.gateway_id`,
    [patientId],
  );
  const used = await db.query<{ device_id: string; device_model: string | null; gateway_id: string; last: Date }>(
    `SELECT device_id, max(device_model) AS device_model, gateway_id, max(measured_at) AS last FROM measurements WHERE patient_id = $1 GROUP BY device_id, gateway_id ORDER BY device_id`,
    [patientId],
  );
  const devices = new Map<string, DeviceStatus>();
  for (const g of status.rows)
    for (const d of g.devices ?? [])
      devices.set(d.deviceId, { deviceId: d.deviceId, deviceModel: d.deviceModel ?? null, gatewayId: g.gateway_id, battery: d.battery ?? null, lastSeen: d.lastSeen ?? null, gatewayState: g.state });
  const stateOf = new Map(status.rows.map((g) => [g.gateway_id, g.state]));
  for (const u of used.rows)
    if (!devices.has(u.device_id))
      devices.set(u.device_id, { deviceId: u.device_id, deviceModel: u.device_model, gatewayId: u.gateway_id, battery: null, lastSeen: u.last.toISOString(), gatewayState: stateOf.get(u.gateway_id) ?? null });
  return [...devices.values()];
}

/** The patient's name, programme and care teams (with their phone numbers), or null for no such patient. */
export async function profileOf(db: Queryable, patientId: string): Promise<Me | null> {
  const { rows } = await db.query<{ display_name: string; programme: Programme; teams: Me['careTeams'] | null }>(
    `SELECT p.display_name, p.programme,
            (SELECT json_agg(json_build_object('id', t.id, 'name', t.name, 'kind', t.kind, 'phone', t.phone) ORDER BY t.kind, t.id)
               FROM patient_care_teams pt JOIN care_teams t ON t.id = pt.care_team_id WHERE pt.patient_id = p.id) AS teams
       FROM patients p WHERE p.id = $1`,
    [patientId],
  );
  const row = rows[0];
  return row ? { patientId, displayName: row.display_name, programme: row.programme, careTeams: row.teams ?? [] } : null;
}
