import type { Component, Measurement, MeasurementSource, MeasurementType, StoredReading } from '@tm/contracts';
import type { Queryable } from '../db/db';

/** Who entered readings that came from no gateway. */
export interface ManualAuthor {
  source: Exclude<MeasurementSource, 'gateway'>;
  authorUserId: string;
}

/**
 * Stores typed readings in the caller's transaction, as storeMeasurements does a gateway's: one
 * statement adds the ledger rows that are new (with source and author, no gateway), one the
 * observations of only those. Returns the ones stored by this call.
 */
export async function storeManualMeasurements(tx: Queryable, measurements: readonly Measurement[], author: ManualAuthor, receivedAt: Date): Promise<Measurement[]> {
  if (measurements.length === 0) return [];
  const { rows } = await tx.query<{ measurement_id: string }>(
    `INSERT INTO measurements (measurement_id, patient_id, gateway_id, type, device_id, device_model, time_source, flags, measured_at, received_at, source, author_user_id)
     SELECT m.id, m.patient_id, NULL, m.type, m.device_id, NULL, m.time_source, '{}'::jsonb, m.measured_at, $1, $2, $3
       FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[]) AS m(id, patient_id, type, device_id, time_source, measured_at)
     ON CONFLICT (measurement_id) DO NOTHING
     RETURNING measurement_id`,
    [
      receivedAt,
      author.source,
      author.authorUserId,
      measurements.map((m) => m.id),
      measurements.map((m) => m.patientId),
      measurements.map((m) => m.type),
      measurements.map((m) => m.deviceId),
      measurements.map((m) => m.timeSource),
      measurements.map((m) => m.measuredAt),
    ],
  );
  const fresh = new Set(rows.map((r) => r.measurement_id));
  const stored = measurements.filter((m) => fresh.has(m.id));
  const obs = stored.flatMap((m) => m.components.map((c) => ({ m, c })));
  if (obs.length > 0)
    await tx.query(
      `INSERT INTO observations (measured_at, patient_id, measurement_id, code, value, unit, device_id, received_at)
       SELECT o.measured_at, o.patient_id, o.measurement_id, o.code, o.value, o.unit, o.device_id, $1
         FROM unnest($2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::text[]) AS o(measured_at, patient_id, measurement_id, code, value, unit, device_id)`,
      [receivedAt, obs.map(({ m }) => m.measuredAt), obs.map(({ m }) => m.patientId), obs.map(({ m }) => m.id), obs.map(({ c }) => c.code), obs.map(({ c }) => c.value), obs.map(({ c }) => c.unit), obs.map(({ m }) => m.deviceId)],
    );
  return stored;
}

export interface ReadingRow {
  measurement_id: string;
  patient_id: string;
  type: MeasurementType;
  measured_at: Date;
  received_at: Date;
  source: MeasurementSource;
  author_user_id: string | null;
  invalidated_at: Date | null;
  invalidated_by: string | null;
  invalidation_reason: string | null;
  components: Component[] | null;
}

/**
 * The columns of a ReadingRow from the ledger `m`, with the reading's values: from observations
 * while valid, from invalidated_observations once a clinician marked it wrong.
 */
export const READING_COLUMNS = `m.measurement_id, m.patient_id, m.type, m.measured_at, m.received_at, m.source, m.author_user_id, m.invalidated_at, m.invalidated_by, m.invalidation_reason,
            CASE WHEN m.invalidated_at IS NULL
              THEN (SELECT json_agg(json_build_object('code', o.code, 'value', o.value, 'unit', o.unit) ORDER BY o.code) FROM observations o
                     WHERE o.patient_id = m.patient_id AND o.measured_at = m.measured_at AND o.measurement_id = m.measurement_id)
              ELSE (SELECT json_agg(json_build_object('code', i.code, 'value', i.value, 'unit', i.unit) ORDER BY i.code) FROM invalidated_observations i
                     WHERE i.measurement_id = m.measurement_id)
            END AS components`;

export function readingOf(r: ReadingRow): StoredReading {
  return {
    measurementId: r.measurement_id,
    patientId: r.patient_id,
    type: r.type,
    measuredAt: r.measured_at.toISOString(),
    receivedAt: r.received_at.toISOString(),
    source: r.source,
    authorUserId: r.author_user_id,
    components: r.components ?? [],
    invalidatedAt: r.invalidated_at ? r.invalidated_at.toISOString() : null,
    invalidatedBy: r.invalidated_by,
    invalidationReason: r.invalidation_reason,
  };
}

/** One reading from the ledger with its values (from observations, or from invalidated_observations once invalidated). */
export async function readingById(db: Queryable, measurementId: string): Promise<StoredReading | null> {
  const { rows } = await db.query<ReadingRow>(`SELECT ${READING_COLUMNS} FROM measurements m WHERE m.measurement_id = $1`, [measurementId]);
  return rows[0] ? readingOf(rows[0]) : null;
}

/**
 * Marks the reading invalid (who, when, why) and moves its values out of the observations
 * hypertable into invalidated_observations, in the caller's transaction: the trend aggregates,
 * the rules' history windows and the reading lists read observations only, so none of them needs
 * a filter of its own. Null when the patient has no such reading; false when it was invalid already.
 */
export async function invalidateReading(tx: Queryable, patientId: string, measurementId: string, by: string, reason: string, at: Date): Promise<{ measuredAt: Date } | null | false> {
  const { rows } = await tx.query<{ measured_at: Date; invalidated_at: Date | null }>(
    'SELECT measured_at, invalidated_at FROM measurements WHERE measurement_id = $1 AND patient_id = $2 FOR UPDATE',
    [measurementId, patientId],
  );
  const row = rows[0];
  if (!row) return null;
  if (row.invalidated_at) return false;
  await tx.query('UPDATE measurements SET invalidated_at = $2, invalidated_by = $3, invalidation_reason = $4 WHERE measurement_id = $1', [measurementId, at, by, reason]);
  await tx.query(
    `WITH moved AS (DELETE FROM observations WHERE measurement_id = $1 AND patient_id = $2 AND measured_at = $3 RETURNING *)
     INSERT INTO invalidated_observations (measured_at, patient_id, measurement_id, code, value, unit, device_id, received_at)
     SELECT measured_at, patient_id, measurement_id, code, value, unit, device_id, received_at FROM moved`,
    [measurementId, patientId, row.measured_at],
  );
  return { measuredAt: row.measured_at };
}
