import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { personalLimitProblems, PERSONAL_LIMITS_REVIEW_DAYS, type Alert, type AlertStatus, type PatientThresholds, type ThresholdsBody } from '@tm/contracts';
import { AlertLifecycleError, overrideConflicts } from '@tm/rules';
import { AccessError, AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/auth.service';
import type { Db } from '../db/db';
import type { EventBus } from '../event-bus';
import { appendLiveEvents } from '../live/live-events';
import { DomainError } from '../shared/errors';
import { DB, EVENT_BUS } from '../shared/tokens';
import { alertById, listAlerts, saveAlert } from '../triage/alert-store';
import { patientForRules, saveThresholds, thresholdsView } from '../triage/thresholds-repository';

export class AlertError extends DomainError {}

const LIFECYCLE_STATUS: Record<AlertLifecycleError['code'], number> = {
  ALERT_RESOLVED: HttpStatus.CONFLICT,
  ALERT_ALREADY_ACKNOWLEDGED: HttpStatus.CONFLICT,
  USER_REQUIRED: HttpStatus.BAD_REQUEST,
  NOTE_TOO_LONG: HttpStatus.BAD_REQUEST,
  RULE_MISMATCH: HttpStatus.INTERNAL_SERVER_ERROR,
};

/** Who acts, for the audit row of a change. */
export interface Actor {
  user: AuthenticatedUser;
  source: string;
}

/** The nurses' side of alerts and thresholds: list, acknowledge, resolve; read and change a patient's limits. */
@Injectable()
export class AlertsService {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /** The alerts of one patient (who must be visible) or of every patient the user may see. */
  async list(user: AuthenticatedUser, query: { patientId?: string; status?: AlertStatus }): Promise<Alert[]> {
    if (query.patientId) await this.access.assertCanSee(user, query.patientId);
    const patients = query.patientId ? [query.patientId] : await this.access.visiblePatientIds(user);
    return listAlerts(this.db, patients, query.status);
  }

  /**
   * Changes one alert (acknowledge, resolve) in one transaction with its audit row and its live
   * event; the sockets hear of it after the commit. 404 for an alert of a patient the user may not see.
   */
  async act(actor: Actor, id: string, action: string, change: (alert: Alert, now: Date) => Alert): Promise<Alert> {
    const { user, source } = actor;
    // Acknowledging is a clinical act (issue 17, item 14): the care team answers for it, not an administrator.
    if (action === 'alert.acknowledge' && user.role === 'admin')
      throw new AlertError('clinical_role_required', 'Administrators do not acknowledge clinical alerts: a nurse of the patient\'s care team does', HttpStatus.FORBIDDEN);
    const found = await alertById(this.db, id);
    if (!found || !(await this.access.canSee(user, found.patientId))) throw new AlertError('alert_not_found', `No alert ${id} for the patients of your care teams`, HttpStatus.NOT_FOUND);
    const { alert, events } = await this.db.transaction(async (tx) => {
      const current = await alertById(tx, id, true);
      if (!current) throw new AlertError('alert_not_found', `No alert ${id}`, HttpStatus.NOT_FOUND);
      let next: Alert;
      try {
        next = change(current, new Date());
      } catch (error) {
        if (error instanceof AlertLifecycleError) throw new AlertError(error.code.toLowerCase(), error.message, LIFECYCLE_STATUS[error.code]);
        throw error;
      }
      const saved = await saveAlert(tx, next);
      await this.audit.record({ user, action, patientId: saved.patientId, source, detail: { alertId: saved.id, careTeams: user.careTeams } }, tx);
      return { alert: saved, events: await appendLiveEvents(tx, [saved], []) };
    });
    this.bus.emitCommitted({ source: 'alert_action', events, raised: [] });
    return alert;
  }

  /** Every rule in force for the patient (the caller has checked access). */
  async thresholds(patientId: string): Promise<PatientThresholds> {
    const patient = await patientForRules(this.db, patientId);
    if (!patient) throw notFound(patientId);
    return thresholdsView(patient);
  }

  /**
   * Personal limits for the patient, audited in their transaction; refused (400, one message per
   * field) when a value is implausible (personalLimitProblems) or contradicts the programme's. A
   * flag rule switched off needs a named physician (`approvedBy`). Personal limits get a review
   * date (given, or PERSONAL_LIMITS_REVIEW_DAYS from today); an empty list returns to the programme's.
   */
  async changeThresholds(actor: Actor, patientId: string, body: ThresholdsBody): Promise<PatientThresholds> {
    const { rules } = body;
    const current = await patientForRules(this.db, patientId);
    if (!current) throw notFound(patientId);
    const problems = personalLimitProblems(rules);
    if (problems.length > 0) throw new AlertError('threshold_implausible', problems.map((p) => p.message).join('; '), HttpStatus.BAD_REQUEST);
    const conflicts = overrideConflicts(current.programme, rules);
    if (conflicts.length > 0) throw new AlertError('threshold_conflict', conflicts.map((c) => c.message).join(' '), HttpStatus.BAD_REQUEST);
    const switchedOff = rules.filter((r) => r.kind === 'flag' && r.off === true).map((r) => r.rule);
    if (switchedOff.length > 0 && !body.approvedBy)
      throw new AlertError(
        'physician_required',
        `approvedBy: switching ${switchedOff.join(', ')} off is a physician's decision; name the physician who approved it in approvedBy`,
        HttpStatus.BAD_REQUEST,
      );
    const now = new Date();
    const reviewAt = rules.length === 0 ? null : body.reviewOn ? new Date(`${body.reviewOn}T00:00:00Z`) : new Date(now.getTime() + PERSONAL_LIMITS_REVIEW_DAYS * 86_400_000);
    if (reviewAt && reviewAt.getTime() <= now.getTime()) throw new AlertError('threshold_review_past', `reviewOn: ${body.reviewOn ?? ''} has passed; give a review date after today`, HttpStatus.BAD_REQUEST);
    await this.db.transaction(async (tx) => {
      await saveThresholds(tx, patientId, rules, actor.user.username, now, { approvedBy: rules.length === 0 ? null : (body.approvedBy ?? null), reviewAt });
      await this.audit.record(
        { user: actor.user, action: 'thresholds.change', patientId, source: actor.source, detail: { rules, approvedBy: body.approvedBy ?? null, reviewAt: reviewAt?.toISOString() ?? null } },
        tx,
      );
    });
    return this.thresholds(patientId);
  }
}

function notFound(patientId: string): AccessError {
  return new AccessError('patient_not_found', `No patient ${patientId} in your care teams`, HttpStatus.NOT_FOUND);
}
