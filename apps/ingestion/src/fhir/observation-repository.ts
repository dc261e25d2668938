import { MEASUREMENT_TYPES, OBSERVATION_CODES, type MeasurementType } from '@tm/contracts';
import type { Queryable } from '../db/db';
import { deviceStatusPatterns, type FlagValue, type StoredMeasurement } from './observation-mapping';
import type { Cursor } from './searchset';
import { PANEL_COMPONENT_CODES } from './terminology';

/** An instant as text to the microsecond, so a cursor names a row exactly (a JS Date keeps milliseconds). */
export const instantText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
/** The wire codes each stored row of which is one Observation of its own. */
const SINGLE_OBSERVATION_CODES = OBSERVATION_CODES.filter((c) => !PANEL_COMPONENT_CODES.includes(c));
/** `...:40.120000Z` -> `...:40.12Z`, `...:40.000000Z` -> `...:40Z`: the same instant, as people write it. */
export const trimFraction = (instant: string) => instant.replace(/\.?0+Z$/, 'Z');

/**
 * At most `limit` of a patient's measurements, newest first, from the cursor's row on (inclusive:
 * the page may resume inside it), each with its component rows.
 *
 * One lateral read per measurement type walks `measurements_patient_type_time_idx` (patient_id,
 * type, measured_at DESC) backwards from the cursor and stops after `limit` rows, so a page costs
 * the same on the first day and after years of readings; the merged rows are cut to `limit`
 * before their components are fetched by the observations' unique (measurement_id, code,
 * measured_at) index.
 */
export async function measurementsPage(db: Queryable, patientId: string, cursor: Cursor | null, limit: number): Promise<StoredMeasurement[]> {
  const { rows } = await db.query<{
    measurement_id: string;
    type: MeasurementType;
    device_id: string;
    device_model: string | null;
    flags: Record<string, FlagValue> | null;
    measured_at: string;
    received_at: string;
    components: Array<{ code: string; value: number; unit: string }>;
    source: 'gateway' | 'patient' | 'clinician';
    author_user_id: string | null;
  }>(
    `WITH page AS (
       SELECT m.* FROM unnest($2::text[]) AS t(type)
       CROSS JOIN LATERAL (
         SELECT measurement_id, type, device_id, device_model, flags, measured_at, received_at, source, author_user_id FROM measurements
          WHERE patient_id = $1 AND type = t.type AND invalidated_at IS NULL
            AND ($3::timestamptz IS NULL OR (measured_at <= $3 AND (measured_at, measurement_id) <= ($3, $4)))
          ORDER BY measured_at DESC, measurement_id DESC
          LIMIT $5) m
       ORDER BY m.measured_at DESC, m.measurement_id DESC
       LIMIT $5)
     SELECT p.measurement_id, p.type, p.device_id, p.device_model, p.flags, p.source, p.author_user_id,
            ${instantText('p.measured_at')} AS measured_at, ${instantText('p.received_at')} AS received_at,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('code', o.code, 'value', o.value, 'unit', o.unit) ORDER BY o.code), '[]'::jsonb)
               FROM observations o WHERE o.measurement_id = p.measurement_id AND o.measured_at = p.measured_at) AS components
       FROM page p
      ORDER BY p.measured_at DESC, p.measurement_id DESC`,
    [patientId, MEASUREMENT_TYPES, cursor?.at ?? null, cursor?.id ?? null, limit],
  );
  return rows.map((r) => ({
    measurementId: r.measurement_id,
    patientId,
    type: r.type,
    deviceId: r.device_id,
    deviceModel: r.device_model,
    measuredAt: trimFraction(r.measured_at),
    receivedAt: trimFraction(r.received_at),
    flags: r.flags ?? {},
    components: r.components,
    source: r.source,
    authorUserId: r.author_user_id,
  }));
}

/**
 * How many Observations the patient's measurements make (the searchset's `total`), counted the
 * way observationsFor maps them: one per component row, except that a measurement's pressure
 * rows make one blood pressure panel, plus one device-status Observation per measurement with a
 * status bit set. Each count reads only the patient's rows: observations_patient_code_time_idx
 * (patient_id, code) and measurements_patient_type_time_idx; `_total=none` skips them.
 */
export async function observationTotal(db: Queryable, patientId: string): Promise<number> {
  const patterns = deviceStatusPatterns();
  const { rows } = await db.query<{ total: string }>(
    `SELECT (SELECT count(*) FROM observations WHERE patient_id = $1 AND code = ANY($2::text[]))
          + (SELECT count(*) FROM (SELECT DISTINCT measurement_id FROM observations WHERE patient_id = $1 AND code = ANY($3::text[])) panels)
          + (SELECT count(*) FROM measurements m
              WHERE m.patient_id = $1
                AND EXISTS (SELECT 1 FROM unnest($4::text[], $5::jsonb[]) AS s(type, pattern) WHERE s.type = m.type AND m.flags @> s.pattern)
                AND EXISTS (SELECT 1 FROM observations o WHERE o.measurement_id = m.measurement_id AND o.measured_at = m.measured_at)) AS total`,
    [patientId, SINGLE_OBSERVATION_CODES, PANEL_COMPONENT_CODES, patterns.map((p) => p.type), patterns.map((p) => JSON.stringify(p.pattern))],
  );
  return Number(rows[0]?.total ?? 0);
}
