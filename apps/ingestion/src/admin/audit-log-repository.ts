import type { AuditLogEntry, AuditQuery } from '@tm/contracts';
import type { Queryable } from '../db/db';

interface AuditRow {
  id: string;
  at: Date;
  user_id: string | null;
  username: string;
  role: string;
  action: string;
  patient_id: string | null;
  source_address: string | null;
  detail: Record<string, unknown>;
}

/**
 * The audit log, newest first. `userId` matches the user's id or user name (administrators know
 * people by user name). The filters use the patient, user and time indexes of audit_log.
 */
export async function findAuditEntries(db: Queryable, filter: AuditQuery): Promise<AuditLogEntry[]> {
  const { rows } = await db.query<AuditRow>(
    `SELECT id::text AS id, at, user_id, username, role, action, patient_id, source_address, detail
       FROM audit_log
      WHERE ($1::text IS NULL OR patient_id = $1 OR detail -> 'patientIds' ? $1) -- list reads name their patients in detail
        AND ($2::text IS NULL OR user_id = $2 OR username = $2)
        AND ($3::timestamptz IS NULL OR at >= $3)
        AND ($4::timestamptz IS NULL OR at <= $4)
      ORDER BY at DESC, id DESC
      LIMIT $5`,
    [filter.patientId ?? null, filter.userId ?? null, filter.from ?? null, filter.to ?? null, filter.limit],
  );
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    userId: r.user_id,
    username: r.username,
    role: r.role,
    action: r.action,
    patientId: r.patient_id,
    sourceAddress: r.source_address,
    detail: r.detail,
  }));
}

export const AUDIT_CSV_COLUMNS: ReadonlyArray<{ header: string; value: (e: AuditLogEntry) => unknown }> = [
  { header: 'id', value: (e) => e.id },
  { header: 'at', value: (e) => e.at },
  { header: 'user_id', value: (e) => e.userId },
  { header: 'username', value: (e) => e.username },
  { header: 'role', value: (e) => e.role },
  { header: 'action', value: (e) => e.action },
  { header: 'patient_id', value: (e) => e.patientId },
  { header: 'source_address', value: (e) => e.sourceAddress },
  { header: 'detail', value: (e) => e.detail },
];
