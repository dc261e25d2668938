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
    await this.insert(entry, entry.patientId ?? null, entry.detail ?? {}, db);
  }

  /**
   * A read of several patients (the board, its adherence column, the alert list): ONE row for the
   * request, the patients it listed in `detail.patientIds` (GIN-indexed, so "who read pt-001"
   * finds it too). One row per patient made an open board write millions of rows a day (issue 16).
   * An answer that lists nobody read no patient's data and writes nothing.
   */
  async recordMany(entry: Omit<AuditEntry, 'patientId'>, patientIds: readonly string[], db: Queryable = this.db): Promise<void> {
    if (patientIds.length === 0) return;
    await this.insert(entry, null, { ...entry.detail, patientIds }, db);
  }

  private async insert(entry: Omit<AuditEntry, 'patientId'>, patientId: string | null, detail: Record<string, unknown>, db: Queryable): Promise<void> {
    await db.query(
      `INSERT INTO audit_log (user_id, username, role, action, patient_id, source_address, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [entry.user.id, entry.user.username, entry.user.role, entry.action, patientId, entry.source ?? null, JSON.stringify(detail)],
    );
  }
}
