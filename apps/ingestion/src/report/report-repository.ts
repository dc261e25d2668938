import type { Alert, CareNote, Programme, ReportMeasure, StoredReading } from '@tm/contracts';
import type { Queryable } from '../db/db';
import { READING_COLUMNS, readingOf, type ReadingRow } from '../manual-readings/manual-reading-repository';
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

/**
 * The ledger's readings of the period, newest first, at most `limit`, each with its values: from
 * observations while valid, from invalidated_observations once a clinician marked it wrong (with
 * who, when and why), so the record shows both.
 */
export async function readingsBetween(db: Queryable, patientId: string, period: Period, limit: number): Promise<StoredReading[]> {
  const { rows } = await db.query<ReadingRow>(
    `SELECT ${READING_COLUMNS}
       FROM measurements m
      WHERE m.patient_id = $1 AND m.measured_at >= $2 AND m.measured_at < $3
      ORDER BY m.measured_at DESC, m.measurement_id DESC
      LIMIT $4`,
    [patientId, period.from, period.to, limit],
  );
  return rows.map(readingOf);
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
