import { Inject, Injectable } from '@nestjs/common';
import type { Db, Queryable } from '../db/db';
import { DB } from '../shared/tokens';

export interface AuditEntry {
  user: { id: string | null; username: string; role: string };
  /** what was done, as `<subject>.<verb>`: `patient.observations.read`, `thresholds.change`, `alert.acknowledge` ... */
  action: string;
  patientId?: string | null;
  /** where the request came from */
  source?: string | null;
  detail?: Record<string, unknown>;
}

/** Writes the append-only audit_log (the database refuses UPDATE and DELETE on it). */
@Injectable()
export class AuditService {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** Pass a transaction as `db` to record the change and its audit row together. */
  async record(entry: AuditEntry, db: Queryable = this.db): Promise<void> {
    await this.recordMany(entry, entry.patientId ? [entry.patientId] : [null], db);
  }

  /** One row per patient read (e.g. the patient list). */
  async recordMany(entry: Omit<AuditEntry, 'patientId'>, patientIds: readonly (string | null)[], db: Queryable = this.db): Promise<void> {
    if (patientIds.length === 0) return;
    await db.query(
      `INSERT INTO audit_log (user_id, username, role, action, patient_id, source_address, detail)
       SELECT $1, $2, $3, $4, p, $6, $7 FROM unnest($5::text[]) AS p`,
      [entry.user.id, entry.user.username, entry.user.role, entry.action, patientIds, entry.source ?? null, JSON.stringify(entry.detail ?? {})],
    );
  }
}
