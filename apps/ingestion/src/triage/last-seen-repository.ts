import type { Measurement, MeasurementType } from '@tm/contracts';
import type { Queryable } from '../db/db';

/** Per patient, when each measurement type was last measured (patient_last_seen, kept up to date as readings arrive). */
export type LastSeen = Map<string, Partial<Record<MeasurementType, Date>>>;

type LastSeenRow = { patient_id: string; type: MeasurementType; last_measured_at: Date };

function lastSeenMap(rows: readonly LastSeenRow[]): LastSeen {
  const map: LastSeen = new Map();
  for (const r of rows) map.set(r.patient_id, { ...map.get(r.patient_id), [r.type]: r.last_measured_at });
  return map;
}

/** Last seen per measurement type of these patients, one index probe each. */
export async function lastSeenOf(db: Queryable, patientIds: readonly string[]): Promise<LastSeen> {
  const { rows } = await db.query<LastSeenRow>('SELECT patient_id, type, last_measured_at FROM patient_last_seen WHERE patient_id = ANY($1)', [patientIds]);
  return lastSeenMap(rows);
}

/** Moves each patient's last-seen time per type forward with the batch; returns the times now in force for the batch's types. */
export async function recordLastSeen(tx: Queryable, stored: readonly Measurement[]): Promise<LastSeen> {
  const latest = new Map<string, { patientId: string; type: MeasurementType; at: number }>();
  for (const m of stored) {
    const key = `${m.patientId}\u0000${m.type}`;
    const at = Date.parse(m.measuredAt);
    if ((latest.get(key)?.at ?? Number.NEGATIVE_INFINITY) < at) latest.set(key, { patientId: m.patientId, type: m.type, at });
  }
  const entries = [...latest.values()];
  const { rows } = await tx.query<LastSeenRow>(
    `INSERT INTO patient_last_seen AS s (patient_id, type, last_measured_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
     ON CONFLICT (patient_id, type) DO UPDATE SET last_measured_at = GREATEST(s.last_measured_at, EXCLUDED.last_measured_at)
     RETURNING patient_id, type, last_measured_at`,
    [entries.map((e) => e.patientId), entries.map((e) => e.type), entries.map((e) => new Date(e.at))],
  );
  return lastSeenMap(rows);
}
