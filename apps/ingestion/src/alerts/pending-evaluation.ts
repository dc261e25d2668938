import type { Measurement, MeasurementType, TimeSource } from '@tm/contracts';
import type { Queryable } from '../db/db';

/** Marks a measurement evaluated; false when it already was (by this or another instance). */
export async function claimForEvaluation(tx: Queryable, measurementId: string, at: Date): Promise<boolean> {
  const { rowCount } = await tx.query('UPDATE measurements SET evaluated_at = $2 WHERE measurement_id = $1 AND evaluated_at IS NULL', [measurementId, at]);
  return rowCount === 1;
}

/** Stored measurements not yet evaluated, oldest first, rebuilt from the ledger and their observations. */
export async function unevaluatedMeasurements(db: Queryable): Promise<Measurement[]> {
  const { rows } = await db.query<{
    measurement_id: string;
    patient_id: string;
    type: MeasurementType;
    device_id: string;
    time_source: TimeSource;
    measured_at: Date;
    components: { code: string; value: number; unit: string }[];
  }>(
    `SELECT m.measurement_id, m.patient_id, m.type, m.device_id, m.time_source, m.measured_at,
            json_agg(json_build_object('code', o.code, 'value', o.value, 'unit', o.unit) ORDER BY o.code) AS components
     FROM measurements m
     JOIN observations o ON o.measurement_id = m.measurement_id AND o.measured_at = m.measured_at
     WHERE m.evaluated_at IS NULL
     GROUP BY m.measurement_id
     ORDER BY m.received_at, m.measured_at`,
  );
  return rows.map((r) => ({
    id: r.measurement_id,
    patientId: r.patient_id,
    type: r.type,
    deviceId: r.device_id,
    timeSource: r.time_source,
    measuredAt: r.measured_at.toISOString(),
    components: r.components,
  }));
}
