import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Db, Queryable } from '../db/db';
import { DomainError } from '../shared/errors';
import { DB } from '../shared/tokens';
import type { AuthenticatedUser } from '../auth/auth.service';

export class AccessError extends DomainError {}

/** Care-team access: an admin sees every patient, a patient only themself, everyone else the patients of their care teams. */
@Injectable()
export class AccessService {
  constructor(@Inject(DB) private readonly db: Db) {}

  async visiblePatientIds(user: AuthenticatedUser, db: Queryable = this.db): Promise<string[]> {
    // a patient sees only themself
    if (user.role === 'patient') return user.patientId ? [user.patientId] : [];
    const { rows } =
      user.role === 'admin'
        ? await db.query<{ id: string }>('SELECT id FROM patients ORDER BY id')
        : await db.query<{ id: string }>('SELECT DISTINCT patient_id AS id FROM patient_care_teams WHERE care_team_id = ANY($1) ORDER BY 1', [user.careTeams]);
    return rows.map((r) => r.id);
  }

  async canSee(user: AuthenticatedUser, patientId: string, db: Queryable = this.db): Promise<boolean> {
    if (user.role === 'patient') return user.patientId !== undefined && user.patientId === patientId;
    const { rowCount } =
      user.role === 'admin'
        ? await db.query('SELECT 1 FROM patients WHERE id = $1', [patientId])
        : await db.query('SELECT 1 FROM patient_care_teams WHERE patient_id = $1 AND care_team_id = ANY($2) LIMIT 1', [patientId, user.careTeams]);
    return (rowCount ?? 0) > 0;
  }

  /** 404 for a patient the user may not see, exactly as for one that does not exist, so ids do not leak. */
  async assertCanSee(user: AuthenticatedUser, patientId: string, db: Queryable = this.db): Promise<void> {
    if (!(await this.canSee(user, patientId, db))) throw new AccessError('patient_not_found', `No patient ${patientId} in your care teams`, HttpStatus.NOT_FOUND);
  }
}
