import type { Alert, CareNote, Component, MeasurementSource, MeasurementType, Programme, ReportMeasure, StoredReading } from '@tm/contracts';
import type { Queryable } from '../db/db';
import { alertOf } from '../triage/alert-store';

/** A period, `from` inclusive and `to` exclusive. */
export interface Period {
  from: Date;
  to: Date;
}

export async function reportPatient(db: Queryable, patientId: string): Promise<{ id: string; displayName: string; programme: Programme } | null> {
  const { rows } = await db.query<{ id: string; display_name: string; programme: Programme }>('SELECT id, display_name, programme FROM patients WHERE id = $1', [patientId]);
  return rows[0] ? { id: rows[0].id, displayName: rows[0].display_name, programme: rows[0].programme } : null;
}

/**
 * First, last, lowest, highest and average of each measure over the period, from the observations
 * hypertable: an invalidated reading has left it, so it counts here as little as in the trends.
 */
export async function measuresBetween(db: Queryable, patientId: string, period: Period): Promise<ReportMeasure[]> {
  const { rows } = await db.query<{ code: string; unit: string; count: number; min: number; max: number; avg: number; first: number; first_at: Date; last: number; last_at: Date }>(
    `SELECT code, min(unit) AS unit, count(*)::int AS count, min(value) AS min, max(value) AS max, avg(value) AS avg,
            (array_agg(value ORDER BY measured_at))[1] AS first, min(measured_at) AS first_at,
            (array_agg(value ORDER BY measured_at DESC))[1] AS last, max(measured_at) AS last_at
       FROM observations WHERE patient_id = $1 AND measured_at >= $2 AND measured_at < $3
      GROUP BY code ORDER BY code`,
    [patientId, period.from, period.to],
  );
  return rows.map((r) => ({ code: r.code, unit: r.unit, count: r.count, min: r.min, max: r.max, avg: Number(r.avg), first: r.first, firstAt: r.first_at.toISOString(), last: r.last, lastAt: r.last_at.toISOString() }));
}

interface ReadingRow {
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
 * The ledger's readings of the period, newest first, at most `limit`, each with its values: from
 * observations while valid, from invalidated_observations once a clinician marked it wrong (with
 * who, when and why), so the record shows both.
 */
export async function readingsBetween(db: Queryable, patientId: string, period: Period, limit: number): Promise<StoredReading[]> {
  const { rows } = await db.query<ReadingRow>(
    `SELECT m.measurement_id, m.patient_id, m.type, m.measured_at, m.received_at, m.source, m.author_user_id, m.invalidated_at, m.invalidated_by, m.invalidation_reason,
            CASE WHEN m.invalidated_at IS NULL
              THEN (SELECT json_agg(json_build_object('code', o.code, 'value', o.value, 'unit', o.unit) ORDER BY o.code) FROM observations o
                     WHERE o.patient_id = m.patient_id AND o.measured_at = m.measured_at AND o.measurement_id = m.measurement_id)
              ELSE (SELECT json_agg(json_build_object('code', i.code, 'value', i.value, 'unit', i.unit) ORDER BY i.code) FROM invalidated_observations i
                     WHERE i.measurement_id = m.measurement_id)
            END AS components
       FROM measurements m
      WHERE m.patient_id = $1 AND m.measured_at >= $2 AND m.measured_at < $3
      ORDER BY m.measured_at DESC, m.measurement_id DESC
      LIMIT $4`,
    [patientId, period.from, period.to, limit],
  );
  return rows.map((r) => ({
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
  }));
}

/** Alerts raised in the period or still open during it, newest first. */
export async function alertsDuring(db: Queryable, patientId: string, period: Period, limit = 500): Promise<Alert[]> {
  const { rows } = await db.query<Parameters<typeof alertOf>[0]>(
    `SELECT * FROM alerts WHERE patient_id = $1 AND raised_at < $3 AND (resolved_at IS NULL OR resolved_at >= $2) ORDER BY raised_at DESC, id DESC LIMIT $4`,
    [patientId, period.from, period.to, limit],
  );
  return rows.map(alertOf);
}

/** The care record's entries written in the period, oldest first. */
export async function notesBetween(db: Queryable, patientId: string, period: Period, limit = 1000): Promise<CareNote[]> {
  const { rows } = await db.query<{ id: string; patient_id: string; kind: CareNote['kind']; text: string; outcome: string | null; author_name: string; author_role: string; created_at: Date }>(
    'SELECT * FROM care_notes WHERE patient_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at, id LIMIT $4',
    [patientId, period.from, period.to, limit],
  );
  return rows.map((r) => ({ id: String(r.id), patientId: r.patient_id, kind: r.kind, text: r.text, outcome: r.outcome, authorName: r.author_name, authorRole: r.author_role, createdAt: r.created_at.toISOString() }));
}
