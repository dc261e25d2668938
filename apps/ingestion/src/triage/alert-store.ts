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
  message_key: string;
  message_params: Record<string, number | string>;
  measured_at: Date | null;
  raised_at: Date;
  updated_at: Date;
  count: number;
  late: boolean;
  back_in_range: boolean;
  back_in_range_at: Date | null;
  reraised_at: Date | null;
  escalated: boolean;
  threshold: Record<string, unknown>;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  acknowledged_value: number | null;
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
    messageKey: r.message_key,
    messageParams: r.message_params,
    measuredAt: iso(r.measured_at),
    raisedAt: r.raised_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    count: r.count,
    late: r.late,
    backInRange: r.back_in_range,
    backInRangeAt: iso(r.back_in_range_at),
    reraisedAt: iso(r.reraised_at),
    escalated: r.escalated,
    threshold: r.threshold,
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: iso(r.acknowledged_at),
    acknowledgedValue: r.acknowledged_value === null ? null : Number(r.acknowledged_value),
    acknowledgeNote: r.acknowledge_note,
    resolvedBy: r.resolved_by,
    resolvedAt: iso(r.resolved_at),
    resolveNote: r.resolve_note,
  };
}

/** These patients' alerts not yet resolved, locked until the transaction ends: one per patient and rule. */
export async function unresolvedAlerts(db: Queryable, patientIds: readonly string[]): Promise<Alert[]> {
  const { rows } = await db.query<AlertRow>(`SELECT * FROM alerts WHERE patient_id = ANY($1) AND status <> 'resolved' ORDER BY id FOR UPDATE`, [patientIds]);
  return rows.map(alertOf);
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

/** The alert as a row of the alerts table, for jsonb_populate_recordset. */
function rowOf(patientId: string, a: NewAlert, id?: string): Record<string, unknown> {
  return {
    id: id ?? null,
    patient_id: patientId,
    rule: a.rule,
    kind: a.kind,
    code: a.code,
    severity: a.severity,
    status: a.status,
    value: a.value,
    unit: a.unit,
    message: a.message,
    message_key: a.messageKey,
    message_params: a.messageParams,
    measured_at: a.measuredAt,
    raised_at: a.raisedAt,
    updated_at: a.updatedAt,
    count: a.count,
    late: a.late,
    back_in_range: a.backInRange,
    back_in_range_at: a.backInRangeAt,
    reraised_at: a.reraisedAt,
    escalated: a.escalated,
    threshold: a.threshold,
    acknowledged_by: a.acknowledgedBy,
    acknowledged_at: a.acknowledgedAt,
    acknowledged_value: a.acknowledgedValue ?? null,
    acknowledge_note: a.acknowledgeNote,
    resolved_by: a.resolvedBy,
    resolved_at: a.resolvedAt,
    resolve_note: a.resolveNote,
  };
}

const WRITABLE = `severity, status, value, unit, message, message_key, message_params, measured_at, updated_at, count, late,
  back_in_range, back_in_range_at, reraised_at, escalated, threshold, acknowledged_by, acknowledged_at, acknowledged_value, acknowledge_note, resolved_by, resolved_at, resolve_note`;

/** Inserts new alerts, one statement for the lot. */
export async function insertAlerts(db: Queryable, alerts: readonly { patientId: string; alert: NewAlert }[]): Promise<Alert[]> {
  if (alerts.length === 0) return [];
  const { rows } = await db.query<AlertRow>(
    `INSERT INTO alerts (patient_id, rule, kind, code, raised_at, ${WRITABLE}, red_since)
     SELECT patient_id, rule, kind, code, raised_at, ${WRITABLE}, CASE WHEN severity = 'red' THEN raised_at END
       FROM jsonb_populate_recordset(NULL::alerts, $1::jsonb)
     RETURNING *`,
    [JSON.stringify(alerts.map(({ patientId, alert }) => rowOf(patientId, alert)))],
  );
  return rows.map(alertOf);
}

/** Writes alerts' next states in place (the lifecycle functions decide them), one statement for the lot. */
export async function saveAlerts(db: Queryable, alerts: readonly Alert[]): Promise<Alert[]> {
  if (alerts.length === 0) return [];
  const set = WRITABLE.split(',').map((c) => `${c.trim()} = v.${c.trim()}`).join(', ');
  const { rows } = await db.query<AlertRow>(
    `UPDATE alerts a SET ${set},
            red_since = CASE WHEN v.severity <> 'red' THEN NULL
                             WHEN a.severity <> 'red' OR (a.status <> 'open' AND v.status = 'open') THEN v.updated_at
                             ELSE coalesce(a.red_since, a.raised_at) END
       FROM jsonb_populate_recordset(NULL::alerts, $1::jsonb) v WHERE a.id = v.id RETURNING a.*`,
    [JSON.stringify(alerts.map((a) => rowOf(a.patientId, a, a.id)))],
  );
  return rows.map(alertOf);
}

/** Writes one alert's next state in place. */
export async function saveAlert(db: Queryable, a: Alert): Promise<Alert> {
  const [saved] = await saveAlerts(db, [a]);
  if (!saved) throw new Error(`alert ${a.id} does not exist`);
  return saved;
}
