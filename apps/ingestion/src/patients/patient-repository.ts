import type { BoardTriage, Me, ObservationRow, ObservationsQuerySchema, PatientsSort, PatientSummary, Programme, TrendBucket, TrendsQuerySchema, TriageCounts } from '@tm/contracts';
import type { z } from 'zod';
import type { Db, Queryable } from '../db/db';

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
  /** true: only the discharged (their programme ended); `any`: both; otherwise only those still in it */
  discharged?: boolean | 'any';
  /** `id` (the default) or `triage`: the board's order, reds first */
  sort?: PatientsSort;
  limit?: number;
  offset?: number;
}

/** One page of the board: its patients, how many the filter keeps in all, and how many of those of each triage. */
export interface PatientPage {
  patients: PatientSummary[];
  total: number;
  counts: TriageCounts;
}

/**
 * The board's order (`sort=triage`), as the dashboard sorts a page (board.ts, sortBoard): red,
 * yellow, no data, green; within a colour a patient with an alert nobody has acknowledged yet
 * first, the latest called first, then the others by when they turned that colour (else their
 * last reading); then by id.
 */
const ORDER: Record<PatientsSort, string> = {
  id: 'k.id',
  triage: `array_position('{red,yellow,no_data,green}'::text[], k.triage), k.waiting DESC,
           CASE WHEN k.waiting THEN k.called_at ELSE coalesce(k.since, k.last_measurement_at) END DESC NULLS LAST, k.id`,
};

/**
 * The board: of the visible patients, those the filter keeps, in the asked order, with how many
 * there are in all and of each triage. One statement joining three tables: each patient's row, its
 * maintained summary (patient_board, 110: worst open alert, care teams, limits) and its last seen;
 * the visible ids come as a relation (unnest), not as an `= ANY` list the planner would weigh
 * element by element at a ward's size.
 */
export async function listPatients(db: Queryable, ids: readonly string[], filter: PatientFilter = {}): Promise<PatientPage> {
  const { rows } = await db.query<{
    id: string;
    display_name: string;
    programme: Programme;
    paused_until: Date | null;
    discharged_at: Date | null;
    care_teams: string[] | null;
    last_measurement_at: Date | null;
    triage: BoardTriage;
    reason: string | null;
    value: number | null;
    since: Date | null;
    limits_set_by: string | null;
    limits_set_at: Date | null;
    assignee_id: string | null;
    assignee_name: string | null;
    total: string;
    red: string;
    yellow: string;
    green: string;
    no_data: string;
  }>(
    // a patient with no open alert is green once a reading has come, "no_data" before: never green unseen
    `WITH kept AS (
       SELECT p.id, p.display_name, p.programme, p.paused_until, p.discharged_at, p.assignee_id, s.last_measurement_at,
              b.reason, b.value, b.since, coalesce(b.waiting, false) AS waiting, b.called_at, b.care_teams, b.limits_set_by, b.limits_set_at,
              coalesce(b.severity, CASE WHEN s.last_measurement_at IS NULL THEN 'no_data' ELSE 'green' END) AS triage
         FROM unnest($1::text[]) AS v(id)
         JOIN patients p ON p.id = v.id
         LEFT JOIN patient_board b ON b.patient_id = p.id
         LEFT JOIN (SELECT patient_id, max(last_measured_at) AS last_measurement_at FROM patient_last_seen GROUP BY patient_id) s ON s.patient_id = p.id
        WHERE ($2::text IS NULL OR p.display_name ILIKE '%' || $2 || '%' OR p.id ILIKE '%' || $2 || '%')
          AND ($3::text IS NULL OR p.programme = $3)
          AND ($4::text IS NULL OR $4 = ANY (b.care_teams))
          AND ($5::text IS NULL OR p.assignee_id = $5)
          AND ($9::text = 'any' OR (p.discharged_at IS NOT NULL) = ($9::text = 'true'))),
     counted AS (
       SELECT *, count(*) OVER () AS total,
              count(*) FILTER (WHERE triage = 'red') OVER () AS red, count(*) FILTER (WHERE triage = 'yellow') OVER () AS yellow,
              count(*) FILTER (WHERE triage = 'green') OVER () AS green, count(*) FILTER (WHERE triage = 'no_data') OVER () AS no_data
         FROM kept WHERE $6::text IS NULL OR triage = $6)
     SELECT k.*, u.display_name AS assignee_name
       FROM counted k LEFT JOIN users u ON u.id = k.assignee_id
      ORDER BY ${ORDER[filter.sort ?? 'id']}
      LIMIT $7 OFFSET $8`,
    [ids, filter.q || null, filter.programme ?? null, filter.team ?? null, filter.assigneeId ?? null, filter.triage ?? null, filter.limit ?? null, filter.offset ?? 0, String(filter.discharged ?? false)],
  );
  const patients = rows.map((r) => ({
    id: r.id,
    displayName: r.display_name,
    programme: r.programme,
    careTeams: r.care_teams ?? [],
    triage: r.triage,
    assignee: r.assignee_id ? { id: r.assignee_id, displayName: r.assignee_name ?? r.assignee_id } : null,
    triageReason: r.reason,
    triageValue: r.value,
    triageSince: iso(r.since),
    lastMeasurementAt: iso(r.last_measurement_at),
    pausedUntil: iso(r.paused_until),
    dischargedAt: iso(r.discharged_at),
    personalLimits: r.limits_set_at ? { setBy: r.limits_set_by, setAt: r.limits_set_at.toISOString() } : null,
  }));
  const first = rows[0];
  if (first) return { patients, total: Number(first.total), counts: { red: Number(first.red), yellow: Number(first.yellow), green: Number(first.green), no_data: Number(first.no_data) } };
  // a page past the end has no rows to carry the counts
  if (filter.offset) return { ...(await listPatients(db, ids, { ...filter, offset: 0, limit: 1 })), patients };
  return { patients, total: 0, counts: { red: 0, yellow: 0, green: 0, no_data: 0 } };
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

/**
 * Hourly and daily buckets come from the continuous aggregates (plain views without TimescaleDB),
 * through their (patient, code, bucket) index (111); weekly ones re-bucket the daily ones. The
 * buckets come back as one JSON value: the embedded database pays per row and per timestamp it
 * writes out, a third of a year's trend read as rows.
 */
export async function trendsOf(db: Db, patientId: string, q: z.infer<typeof TrendsQuerySchema>): Promise<TrendBucket[]> {
  const params = [patientId, q.code, q.from ?? null, q.to ?? null];
  const range = `patient_id = $1 AND code = $2 AND ($3::timestamptz IS NULL OR bucket >= $3) AND ($4::timestamptz IS NULL OR bucket <= $4)`;
  const buckets =
    q.bucket === '1w'
      ? // date_bin from time_bucket's origin (Monday 2000-01-03 UTC) and array_agg for "last": the
        // same weeks and answers with or without TimescaleDB (a plain server has neither function)
        `SELECT date_bin(INTERVAL '7 days', bucket, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS bucket, min(min) AS min, max(max) AS max,
                sum(avg * count) / sum(count) AS avg, (array_agg(last ORDER BY bucket DESC))[1] AS last, sum(count) AS count
           FROM observations_daily WHERE ${range} GROUP BY 1`
      : `SELECT bucket, min, max, avg, last, count FROM ${q.bucket === '1h' ? 'observations_hourly' : 'observations_daily'} WHERE ${range}`;
  // prepared: planning a year's ChunkAppend costs several times its run (bench/trends.ts)
  const { rows } = await db.queryPrepared<{ buckets: Array<{ bucket: string; min: number; max: number; avg: number; last: number; count: number }> | null }>(
    `trends-${q.bucket}`,
    // the instant written as Date.toISOString writes it, whatever the session's time zone
    `SELECT json_agg(json_build_object('bucket', to_char(b.bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'min', b.min, 'max', b.max, 'avg', b.avg, 'last', b.last, 'count', b.count)
                     ORDER BY b.bucket) AS buckets
       FROM (${buckets}) b`,
    params,
  );
  return (rows[0]?.buckets ?? []).map((r) => ({ bucket: r.bucket, min: Number(r.min), max: Number(r.max), avg: Number(r.avg), last: Number(r.last), count: Number(r.count) }));
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
