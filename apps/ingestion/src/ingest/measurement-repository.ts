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

/** One gateway's readings, as a part of a group stored together (storeGatewayBatches). */
export interface GatewayReadings {
  gatewayId: string;
  measurements: Measurement[];
  receivedAt: Date;
}

/** Stores one gateway's batch in the caller's transaction (storeGatewayBatches with one part). */
export async function storeMeasurements(tx: Queryable, gatewayId: string, measurements: Measurement[], receivedAt: Date): Promise<StoreOutcome> {
  const [outcome] = await storeGatewayBatches(tx, [{ gatewayId, measurements, receivedAt }]);
  return outcome ?? { stored: [], duplicates: [], notBound: [] };
}

/**
 * Stores several gateways' batches in the caller's transaction: one statement finds the patients
 * bound to each gateway and adds the ledger rows of theirs that are new (ON CONFLICT on a plain
 * table), then one inserts the observations of only those. Two statements per group whatever its
 * size or the number of gateways in it. An id sent twice within the group (a re-send that caught
 * up with its first copy) is stored once; the later copy counts as a duplicate. One outcome per
 * part, in order.
 */
export async function storeGatewayBatches(tx: Queryable, parts: readonly GatewayReadings[]): Promise<StoreOutcome[]> {
  const items = parts.flatMap((p) => p.measurements.map((m) => ({ m, gatewayId: p.gatewayId, receivedAt: p.receivedAt })));
  if (items.length === 0) return parts.map(() => ({ stored: [], duplicates: [], notBound: [] }));
  const { rows: [ledger] } = await tx.query<{ bound: string[] | null; inserted: string[] | null }>(
    `WITH bound AS (SELECT gateway_id, patient_id FROM gateway_patients WHERE gateway_id = ANY($1::text[])),
          inserted AS (
            INSERT INTO measurements (measurement_id, patient_id, gateway_id, type, device_id, device_model, time_source, flags, measured_at, received_at)
            SELECT m.id, m.patient_id, m.gateway_id, m.type, m.device_id, m.device_model, m.time_source, m.flags, m.measured_at, m.received_at
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::timestamptz[], $10::text[], $11::timestamptz[])
                 AS m(id, patient_id, type, device_id, device_model, time_source, flags, measured_at, gateway_id, received_at)
            WHERE (m.gateway_id, m.patient_id) IN (SELECT gateway_id, patient_id FROM bound)
            ON CONFLICT (measurement_id) DO NOTHING
            RETURNING measurement_id)
     SELECT (SELECT array_agg(gateway_id || chr(1) || patient_id) FROM bound) AS bound, (SELECT array_agg(measurement_id) FROM inserted) AS inserted`,
    [
      [...new Set(parts.map((p) => p.gatewayId))],
      items.map(({ m }) => m.id),
      items.map(({ m }) => m.patientId),
      items.map(({ m }) => m.type),
      items.map(({ m }) => m.deviceId),
      items.map(({ m }) => m.deviceModel ?? null),
      items.map(({ m }) => m.timeSource),
      items.map(({ m }) => JSON.stringify(m.flags ?? {})),
      items.map(({ m }) => m.measuredAt),
      items.map((i) => i.gatewayId),
      items.map((i) => i.receivedAt),
    ],
  );
  const bound = new Set(ledger?.bound ?? []);
  const newIds = new Set(ledger?.inserted ?? []);
  const outcomes = parts.map(({ gatewayId, measurements }) => {
    const notBound: MeasurementRejection[] = [];
    const stored: Measurement[] = [];
    const duplicates: string[] = [];
    for (const m of measurements) {
      if (!bound.has(`${gatewayId}\u0001${m.patientId}`)) {
        notBound.push({ id: m.id, reasonCode: 'patient_not_bound', reason: rejectionText('patient_not_bound', `patient ${m.patientId} is not bound to gateway ${gatewayId}`), payload: m });
      } else if (newIds.delete(m.id)) stored.push(m);
      else duplicates.push(m.id);
    }
    return { stored, duplicates, notBound };
  });

  const rows = outcomes.flatMap((o, i) => o.stored.flatMap((m) => m.components.map((c) => ({ m, c, receivedAt: parts[i]!.receivedAt }))));
  if (rows.length > 0) {
    await tx.query(
      `INSERT INTO observations (measured_at, patient_id, measurement_id, code, value, unit, device_id, received_at)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::text[], $8::timestamptz[])`,
      [
        rows.map(({ m }) => m.measuredAt),
        rows.map(({ m }) => m.patientId),
        rows.map(({ m }) => m.id),
        rows.map(({ c }) => c.code),
        rows.map(({ c }) => c.value),
        rows.map(({ c }) => c.unit),
        rows.map(({ m }) => m.deviceId),
        rows.map((r) => r.receivedAt),
      ],
    );
  }
  return outcomes;
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
