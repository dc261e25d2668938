import type { Alert, AlertStatus, Severity } from '@tm/contracts';
import type { NewAlert } from '@tm/rules';
import type { Queryable } from '../db/db';

interface AlertRow {
  id: string;
  patient_id: string;
  rule: string;
  kind: Alert['kind'];
  code: string | null;
  severity: Severity;
  status: AlertStatus;
  value: number | null;
  unit: string | null;
  message: string;
  measured_at: Date | null;
  raised_at: Date;
  updated_at: Date;
  count: number;
  late: boolean;
  back_in_range: boolean;
  escalated: boolean;
  threshold: Record<string, unknown>;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  acknowledge_note: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  resolve_note: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function alertOf(r: AlertRow): Alert {
  return {
    id: String(r.id),
    patientId: r.patient_id,
    rule: r.rule,
    kind: r.kind,
    code: r.code,
    severity: r.severity,
    status: r.status,
    value: r.value,
    unit: r.unit,
    message: r.message,
    measuredAt: iso(r.measured_at),
    raisedAt: r.raised_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    count: r.count,
    late: r.late,
    backInRange: r.back_in_range,
    escalated: r.escalated,
    threshold: r.threshold,
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: iso(r.acknowledged_at),
    acknowledgeNote: r.acknowledge_note,
    resolvedBy: r.resolved_by,
    resolvedAt: iso(r.resolved_at),
    resolveNote: r.resolve_note,
  };
}

/** The patient's alerts not yet resolved, locked until the transaction ends: one per rule. */
export async function unresolvedAlerts(db: Queryable, patientId: string): Promise<Map<string, Alert>> {
  const { rows } = await db.query<AlertRow>(`SELECT * FROM alerts WHERE patient_id = $1 AND status <> 'resolved' FOR UPDATE`, [patientId]);
  return new Map(rows.map((r) => [r.rule, alertOf(r)]));
}

export async function alertById(db: Queryable, id: string, lock = false): Promise<Alert | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const { rows } = await db.query<AlertRow>(`SELECT * FROM alerts WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? alertOf(rows[0]) : null;
}

export async function listAlerts(db: Queryable, patientIds: readonly string[], status?: AlertStatus, limit = 1000): Promise<Alert[]> {
  const { rows } = await db.query<AlertRow>(
    `SELECT * FROM alerts WHERE patient_id = ANY($1) AND ($2::text IS NULL OR status = $2) ORDER BY raised_at DESC, id DESC LIMIT $3`,
    [patientIds, status ?? null, limit],
  );
  return rows.map(alertOf);
}

export async function insertAlert(db: Queryable, patientId: string, a: NewAlert): Promise<Alert> {
  const { rows } = await db.query<AlertRow>(
    `INSERT INTO alerts (patient_id, rule, kind, code, severity, status, value, unit, message, measured_at, raised_at, updated_at, count, late,
                         back_in_range, escalated, threshold, acknowledged_by, acknowledged_at, acknowledge_note, resolved_by, resolved_at, resolve_note)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) RETURNING *`,
    [
      patientId, a.rule, a.kind, a.code, a.severity, a.status, a.value, a.unit, a.message, a.measuredAt, a.raisedAt, a.updatedAt, a.count, a.late,
      a.backInRange, a.escalated, JSON.stringify(a.threshold), a.acknowledgedBy, a.acknowledgedAt, a.acknowledgeNote, a.resolvedBy, a.resolvedAt, a.resolveNote,
    ],
  );
  return alertOf(rows[0] as AlertRow);
}

/** Writes the alert's next state in place (the lifecycle functions decide it). */
export async function saveAlert(db: Queryable, a: Alert): Promise<Alert> {
  const { rows } = await db.query<AlertRow>(
    `UPDATE alerts SET severity = $2, status = $3, value = $4, unit = $5, message = $6, measured_at = $7, updated_at = $8, count = $9, late = $10,
                       back_in_range = $11, escalated = $12, threshold = $13, acknowledged_by = $14, acknowledged_at = $15, acknowledge_note = $16,
                       resolved_by = $17, resolved_at = $18, resolve_note = $19
      WHERE id = $1 RETURNING *`,
    [
      a.id, a.severity, a.status, a.value, a.unit, a.message, a.measuredAt, a.updatedAt, a.count, a.late,
      a.backInRange, a.escalated, JSON.stringify(a.threshold), a.acknowledgedBy, a.acknowledgedAt, a.acknowledgeNote, a.resolvedBy, a.resolvedAt, a.resolveNote,
    ],
  );
  return alertOf(rows[0] as AlertRow);
}
