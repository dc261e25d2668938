import { Inject, Injectable } from '@nestjs/common';
import type { Alert, Discharge, DischargeBody } from '@tm/contracts';
import { resolve } from '@tm/rules';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/auth.service';
import type { Db } from '../db/db';
import type { EventBus } from '../event-bus';
import { appendLiveEvents } from '../live/live-events';
import { DB, EVENT_BUS } from '../shared/tokens';
import { saveAlerts, unresolvedAlerts } from '../triage/alert-store';
import { lockPatients } from '../triage/patient-locks';
import { CareError } from './care-error';

/**
 * The end of a patient's programme (issue 17, item 9), distinct from a pause: from now on the
 * patient's readings are stored and raise nothing, no data is missing, and their open alerts are
 * resolved by the discharging clinician (nobody watches them any more). One transaction with its
 * audit row; the sockets hear of the resolved alerts after the commit.
 */
@Injectable()
export class DischargeService {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly audit: AuditService,
  ) {}

  async discharge(actor: { user: AuthenticatedUser; source: string }, patientId: string, body: DischargeBody, now: Date): Promise<Discharge> {
    const { result, events } = await this.db.transaction(async (tx) => {
      await lockPatients(tx, [patientId]);
      const { rows } = await tx.query<{ discharged_at: Date | null; discharged_by: string | null }>('SELECT discharged_at, discharged_by FROM patients WHERE id = $1', [patientId]);
      const before = rows[0];
      if (before?.discharged_at)
        throw new CareError('already_discharged', `Patient ${patientId} was discharged by ${before.discharged_by ?? 'someone'} at ${before.discharged_at.toISOString()}`);
      await tx.query('UPDATE patients SET discharged_at = $2, discharged_by = $3 WHERE id = $1', [patientId, now, actor.user.id]);
      const note = body.note ?? 'Udskrevet fra programmet';
      const resolved: Alert[] = await saveAlerts(tx, (await unresolvedAlerts(tx, [patientId])).map((a) => resolve(a, actor.user.id, note, now)));
      await this.audit.record({ user: actor.user, action: 'patient.discharge', patientId, source: actor.source, detail: { resolvedAlerts: resolved.length } }, tx);
      return {
        result: { patientId, dischargedAt: now.toISOString(), dischargedBy: actor.user.id, resolvedAlerts: resolved.length },
        events: await appendLiveEvents(tx, resolved, []),
      };
    });
    this.bus.emitCommitted({ source: 'alert_action', events, raised: [] });
    return result;
  }
}
