import { Inject, Injectable } from '@nestjs/common';
import type { PatientRedStatus } from '@tm/contracts';
import { anyInsideServiceHours } from '@tm/rules';
import { teamHoursOf } from '../care/service-hours-repository';
import type { Db } from '../db/db';
import { DB } from '../shared/tokens';

/**
 * What the patient's app needs to tell a patient with a red what to do now (ARCHITECTURE §12,
 * issue 17 item 7): whether a red alert is open, whether the care team has seen it (acknowledged
 * every open red), and whether a hospital team of theirs is inside its service hours now (else the
 * app points to the out-of-hours helpline and 112).
 */
@Injectable()
export class RedStatusService {
  constructor(@Inject(DB) private readonly db: Db) {}

  async of(patientId: string, now: Date): Promise<PatientRedStatus> {
    const { rows } = await this.db.query<{ since: Date; unseen: number; seen_at: Date | null }>(
      `SELECT min(coalesce(red_since, raised_at)) AS since, count(*) FILTER (WHERE status = 'open')::int AS unseen, max(acknowledged_at) AS seen_at
         FROM alerts WHERE patient_id = $1 AND status <> 'resolved' AND severity = 'red' HAVING count(*) > 0`,
      [patientId],
    );
    const teams = (await teamHoursOf(this.db, [patientId])).get(patientId) ?? [];
    const hospital = teams.find((t) => t.kind === 'hospital') ?? teams[0];
    const red = rows[0];
    return {
      red: red ? { since: red.since.toISOString(), seen: red.unseen === 0, seenAt: red.unseen === 0 && red.seen_at ? red.seen_at.toISOString() : null } : null,
      insideServiceHours: anyInsideServiceHours(teams, now),
      helpline: hospital?.helpline ?? '1813',
      phone: hospital?.phone ?? null,
    };
  }
}
