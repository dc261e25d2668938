import type { Me, ObservationRow, ObservationsQuerySchema, PatientSummary, Programme, Severity, TrendBucket, TrendsQuerySchema } from '@tm/contracts';
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

export async function listPatients(db: Queryable, ids: readonly string[]): Promise<PatientSummary[]> {
  const { rows } = await db.query<{
    id: string;
    display_name: string;
    programme: Programme;
    paused_until: Date | null;
    care_teams: string[];
    last_measurement_at: Date | null;
    severity: Severity | null;
    message: string | null;
    value: number | null;
    since: Date | null;
    limits_set_by: string | null;
    limits_set_at: Date | null;
  }>(
    // the worst open alert gives the triage; "since" is when the patient entered it (the earliest
    // of their alerts of that severity to reach it)
    `SELECT p.id, p.display_name, p.programme, p.paused_until,
            coalesce((SELECT array_agg(care_team_id ORDER BY care_team_id) FROM patient_care_teams WHERE patient_id = p.id), '{}') AS care_teams,
            (SELECT max(last_measured_at) FROM patient_last_seen s WHERE s.patient_id = p.id) AS last_measurement_at,
            w.severity, w.message, w.value,
            (SELECT min(CASE WHEN a.severity = 'red' THEN coalesce(a.red_since, a.raised_at) ELSE a.raised_at END) FROM alerts a
              WHERE a.patient_id = p.id AND a.status <> 'resolved' AND a.severity = w.severity) AS since,
            t.changed_by AS limits_set_by, t.effective_from AS limits_set_at
       FROM patients p
       LEFT JOIN LATERAL (
         SELECT severity, message, value FROM alerts a
          WHERE a.patient_id = p.id AND a.status <> 'resolved'
          ORDER BY (a.severity = 'red') DESC, a.raised_at ASC LIMIT 1) w ON true
       LEFT JOIN LATERAL (SELECT changed_by, effective_from FROM thresholds WHERE patient_id = p.id ORDER BY effective_from DESC, id DESC LIMIT 1) t ON true
      WHERE p.id = ANY($1)
      ORDER BY p.id`,
    [ids],
  );
  return rows.map((r) => ({
    id: r.id,
    displayName: r.display_name,
    programme: r.programme,
    careTeams: r.care_teams,
    triage: r.severity ?? 'green',
    triageReason: r.message,
    triageValue: r.value,
    triageSince: iso(r.since),
    lastMeasurementAt: iso(r.last_measurement_at),
    pausedUntil: iso(r.paused_until),
    personalLimits: r.limits_set_at ? { setBy: r.limits_set_by, setAt: r.limits_set_at.toISOString() } : null,
  }));
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

/** Hourly and daily buckets come from the continuous aggregates; weekly ones re-bucket the daily aggregate. */
export async function trendsOf(db: Queryable, patientId: string, q: z.infer<typeof TrendsQuerySchema>): Promise<TrendBucket[]> {
  const params = [patientId, q.code, q.from ?? null, q.to ?? null];
  const range = `patient_id = $1 AND code = $2 AND ($3::timestamptz IS NULL OR bucket >= $3) AND ($4::timestamptz IS NULL OR bucket <= $4)`;
  const sql =
    q.bucket === '1w'
      ? `SELECT time_bucket(INTERVAL '1 week', bucket) AS bucket, min(min) AS min, max(max) AS max, sum(avg * count) / sum(count) AS avg,
                last(last, bucket) AS last, sum(count) AS count
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
