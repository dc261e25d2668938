import type { Measurement, MeasurementRejection } from '@tm/contracts';
import { rejectionText, storableText } from '@tm/contracts';
import type { Queryable } from '../db/db';

export interface StoreOutcome {
  /** measurements stored by this call */
  stored: Measurement[];
  /** ids that were already stored before (a re-send) */
  duplicates: string[];
  /** measurements refused because their patient is not bound to the sending gateway */
  notBound: MeasurementRejection[];
}

/**
 * Stores a batch in the caller's transaction: one statement finds the patients bound to the
 * gateway and adds the ledger rows of theirs that are new (ON CONFLICT on a plain table), then
 * one inserts the observations of only those. Two statements per batch whatever its size.
 */
export async function storeMeasurements(tx: Queryable, gatewayId: string, measurements: Measurement[], receivedAt: Date): Promise<StoreOutcome> {
  if (measurements.length === 0) return { stored: [], duplicates: [], notBound: [] };
  const { rows: [ledger] } = await tx.query<{ bound: string[] | null; inserted: string[] | null }>(
    `WITH bound AS (SELECT patient_id FROM gateway_patients WHERE gateway_id = $1),
          inserted AS (
            INSERT INTO measurements (measurement_id, patient_id, gateway_id, type, device_id, device_model, time_source, flags, measured_at, received_at)
            SELECT m.id, m.patient_id, $1, m.type, m.device_id, m.device_model, m.time_source, m.flags, m.measured_at, $2
            FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::timestamptz[])
                 AS m(id, patient_id, type, device_id, device_model, time_source, flags, measured_at)
            WHERE m.patient_id IN (SELECT patient_id FROM bound)
            ON CONFLICT (measurement_id) DO NOTHING
            RETURNING measurement_id)
     SELECT (SELECT array_agg(patient_id) FROM bound) AS bound, (SELECT array_agg(measurement_id) FROM inserted) AS inserted`,
    [
      gatewayId,
      receivedAt,
      measurements.map((m) => m.id),
      measurements.map((m) => m.patientId),
      measurements.map((m) => m.type),
      measurements.map((m) => m.deviceId),
      measurements.map((m) => m.deviceModel ?? null),
      measurements.map((m) => m.timeSource),
      measurements.map((m) => JSON.stringify(m.flags ?? {})),
      measurements.map((m) => m.measuredAt),
    ],
  );
  const bound = new Set(ledger?.bound ?? []);
  const notBound: MeasurementRejection[] = [];
  const accepted = measurements.filter((m) => {
    if (bound.has(m.patientId)) return true;
    notBound.push({ id: m.id, reasonCode: 'patient_not_bound', reason: rejectionText('patient_not_bound', `patient ${m.patientId} is not bound to gateway ${gatewayId}`), payload: m });
    return false;
  });
  const newIds = new Set(ledger?.inserted ?? []);
  const stored = accepted.filter((m) => newIds.has(m.id));
  const duplicates = accepted.filter((m) => !newIds.has(m.id)).map((m) => m.id);

  const rows = stored.flatMap((m) => m.components.map((c) => ({ m, c })));
  if (rows.length > 0) {
    await tx.query(
      `INSERT INTO observations (measured_at, patient_id, measurement_id, code, value, unit, device_id, received_at)
       SELECT o.measured_at, o.patient_id, o.measurement_id, o.code, o.value, o.unit, o.device_id, $1
       FROM unnest($2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::text[])
            AS o(measured_at, patient_id, measurement_id, code, value, unit, device_id)`,
      [
        receivedAt,
        rows.map(({ m }) => m.measuredAt),
        rows.map(({ m }) => m.patientId),
        rows.map(({ m }) => m.id),
        rows.map(({ c }) => c.code),
        rows.map(({ c }) => c.value),
        rows.map(({ c }) => c.unit),
        rows.map(({ m }) => m.deviceId),
      ],
    );
  }
  return { stored, duplicates, notBound };
}

export interface RejectedMessage {
  gatewayId: string | null;
  topic: string;
  measurementId: string | null;
  reasonCode: string;
  reason: string;
  payload: string;
}

/**
 * Keeps every rejected payload with its reason, one statement for the lot. What was refused may be
 * text the database cannot hold (a NUL, an unpaired surrogate): it is kept with those replaced.
 */
export async function recordRejections(db: Queryable, rejections: RejectedMessage[]): Promise<void> {
  if (rejections.length === 0) return;
  const text = (s: string | null) => (s === null ? null : storableText(s));
  await db.query(
    `INSERT INTO rejected_messages (gateway_id, topic, measurement_id, reason_code, reason, payload)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [
      rejections.map((r) => text(r.gatewayId)),
      rejections.map((r) => text(r.topic)),
      rejections.map((r) => text(r.measurementId)),
      rejections.map((r) => r.reasonCode),
      rejections.map((r) => text(r.reason)),
      rejections.map((r) => text(r.payload)),
    ],
  );
}

/** Refreshes the trend aggregates over the measurement-time window a batch touched. */
export async function refreshTrends(db: Queryable, from: Date, to: Date): Promise<void> {
  const start = new Date(Math.floor(from.getTime() / 86_400_000) * 86_400_000);
  const end = new Date(Math.ceil((to.getTime() + 1) / 86_400_000) * 86_400_000);
  await db.query(`CALL refresh_continuous_aggregate('observations_hourly', $1::timestamptz, $2::timestamptz)`, [start, end]);
  await db.query(`CALL refresh_continuous_aggregate('observations_daily', $1::timestamptz, $2::timestamptz)`, [start, end]);
}
