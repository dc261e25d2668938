import { Inject, Injectable } from '@nestjs/common';
import {
  questionnaireDefinition,
  questionnaireIdOf,
  type Adherence,
  type AdherenceQuery,
  type BoardAdherenceQuery,
  type CarePlanBody,
  type CarePlanVersion,
  type PatientAdherenceSummary,
  type PatientCarePlan,
  type QuestionnaireResponsesQuery,
  type StoredQuestionnaireResponse,
  type Today,
} from '@tm/contracts';
import { planStartProblem } from '@tm/contracts';
import { addDays, adherenceOf, dayNumber, isoWeekOf, isPausedAt, localDate, overdueActivities, PLAN_TIME_ZONE, startOfLocalDay, todayOf } from '@tm/rules';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/auth.service';
import type { Db, Queryable } from '../db/db';
import { DB } from '../shared/tokens';
import { lastSeenOf } from '../triage/last-seen-repository';
import { lockPatients } from '../triage/patient-locks';
import { monitoredSince, patientForRules, patientsForRules, planInForce, type PatientForRules } from '../triage/thresholds-repository';
import { CareError } from './care-error';
import { lastReceived, planVersions, planView, receivedBetween, receivedPerDayByPatient, savePlans } from './care-plan-repository';
import { responsesOf } from './questionnaire-repository';

/** The default adherence range: the last four weeks. */
export const DEFAULT_ADHERENCE_DAYS = 28;
/** The longest adherence range one request may ask for. */
export const MAX_ADHERENCE_DAYS = 366;

/** The patient, or 404 (the caller has checked access). */
async function loadPatient(db: Queryable, patientId: string): Promise<PatientForRules> {
  const patient = await patientForRules(db, patientId);
  if (!patient) throw new CareError('patient_not_found', `No patient ${patientId}`);
  return patient;
}

/** from/to of an adherence query as local dates, both included, `to` no later than today. */
export function adherenceRange(query: AdherenceQuery, now: Date): { from: string; to: string } {
  const asDate = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v : localDate(new Date(v), PLAN_TIME_ZONE));
  const today = localDate(now, PLAN_TIME_ZONE);
  const askedTo = query.to ? asDate(query.to) : today;
  const to = dayNumber(askedTo) > dayNumber(today) ? today : askedTo;
  const from = query.from ? asDate(query.from) : addDays(to, -(DEFAULT_ADHERENCE_DAYS - 1));
  if (dayNumber(from) > dayNumber(to)) throw new CareError('invalid_range', `from ${from} is after to ${to} (to is at most today, ${today})`);
  if (dayNumber(to) - dayNumber(from) + 1 > MAX_ADHERENCE_DAYS) throw new CareError('invalid_range', `Ask for at most ${MAX_ADHERENCE_DAYS} days at a time`);
  return { from, to };
}

/**
 * Care plans, adherence and questionnaire answers (ARCHITECTURE.md §10) for the clinician routes
 * and the patient's own. Reads are audited by the routes (PatientAccessInterceptor); a plan change
 * is audited here, in its transaction.
 */
@Injectable()
export class CareService {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /** The plan in force as GET .../plan answers it. */
  async plan(patientId: string, now: Date): Promise<PatientCarePlan> {
    return planView(await loadPatient(this.db, patientId), now);
  }

  /** Every stored version of the plan, newest first. */
  versions(patientId: string): Promise<CarePlanVersion[]> {
    return planVersions(this.db, patientId);
  }

  /** A new version of the plan, audited in its transaction; `startedAt` defaults to the start of the plan in force. */
  async changePlan(actor: { user: AuthenticatedUser; source: string }, patientId: string, body: CarePlanBody, now: Date): Promise<PatientCarePlan> {
    const unknown = body.activities.map((a) => questionnaireIdOf(a.activity)).filter((id): id is string => id !== null && !questionnaireDefinition(id));
    if (unknown.length > 0) throw new CareError('unknown_questionnaire', `No questionnaire ${unknown.join(', ')}; GET /api/questionnaires lists them`);
    const startProblem = body.startedAt ? planStartProblem(new Date(body.startedAt), now) : null;
    if (startProblem) throw new CareError('plan_start_implausible', startProblem.message);
    return this.db.transaction(async (tx) => {
      await lockPatients(tx, [patientId]);
      const before = await loadPatient(tx, patientId);
      const startedAt = body.startedAt ? new Date(body.startedAt) : planInForce(before).startedAt;
      const versions = await savePlans(tx, [{ patientId, plan: { activities: body.activities }, startedAt }], actor.user.id, now);
      await this.audit.record(
        {
          user: actor.user,
          action: 'patient.care_plan.change',
          patientId,
          source: actor.source,
          detail: { version: versions.get(patientId) ?? null, previousVersion: before.plan?.version ?? 0, startedAt: startedAt.toISOString() },
        },
        tx,
      );
      return planView(await loadPatient(tx, patientId), now);
    });
  }

  /**
   * The board's adherence column, for every patient the user may see: expected vs received over
   * the range (default: this calendar week up to today), and what is overdue by the plan now.
   */
  async adherenceOfAll(user: AuthenticatedUser, query: BoardAdherenceQuery, now: Date): Promise<PatientAdherenceSummary[]> {
    const { from, to } = adherenceRange({ from: query.from ?? isoWeekOf(localDate(now, PLAN_TIME_ZONE)).weekStart, to: query.to }, now);
    const visible = await this.access.visiblePatientIds(user);
    // the asked ones the caller may see; an id outside their care teams is left out, not an error
    const asked = query.patients === undefined ? undefined : new Set(query.patients);
    const ids = asked === undefined ? visible : visible.filter((id) => asked.has(id));
    // three set-based statements for all visible patients, side by side on a pool
    const [patients, received, lastSeen] = await Promise.all([
      patientsForRules(this.db, ids),
      receivedPerDayByPatient(this.db, ids, from, to, PLAN_TIME_ZONE),
      lastSeenOf(this.db, ids),
    ]);
    return ids.flatMap((id): PatientAdherenceSummary[] => {
      const patient = patients.get(id);
      if (!patient) return [];
      const plan = planInForce(patient);
      const { activities, total } = adherenceOf(plan, from, to, received.get(id) ?? [], PLAN_TIME_ZONE);
      const overdue = isPausedAt(patient, now) ? [] : overdueActivities(plan, lastSeen.get(id) ?? {}, now, monitoredSince(patient, now), PLAN_TIME_ZONE);
      return [
        {
          patientId: id,
          from,
          to,
          activities: activities.map(({ days: _d, weeks: _w, ...a }) => a),
          total,
          overdue: overdue.map((o) => ({ activity: o.activity, lastAt: o.lastAt?.toISOString() ?? null, dueBy: o.dueBy.toISOString() })),
        },
      ];
    });
  }

  /** Expected vs received per activity of the plan in force, per day and calendar week, over a range of local days. */
  async adherence(patientId: string, query: AdherenceQuery, now: Date): Promise<Adherence> {
    const patient = await loadPatient(this.db, patientId);
    const { from, to } = adherenceRange(query, now);
    const received = await receivedBetween(this.db, patient.id, startOfLocalDay(from, PLAN_TIME_ZONE), startOfLocalDay(addDays(to, 1), PLAN_TIME_ZONE));
    const { activities, total } = adherenceOf(planInForce(patient), from, to, received, PLAN_TIME_ZONE);
    return { patientId: patient.id, from, to, timeZone: PLAN_TIME_ZONE, activities, total };
  }

  /** What is due today and what the hospital has received, per activity of the plan (the patient's app). */
  async today(patientId: string, now: Date): Promise<Today> {
    const patient = await loadPatient(this.db, patientId);
    const weekStart = isoWeekOf(localDate(now, PLAN_TIME_ZONE)).weekStart;
    const received = await receivedBetween(this.db, patientId, startOfLocalDay(weekStart, PLAN_TIME_ZONE), startOfLocalDay(addDays(weekStart, 7), PLAN_TIME_ZONE));
    const today = todayOf(planInForce(patient), now, received, await lastReceived(this.db, patientId), PLAN_TIME_ZONE);
    return { patientId, timeZone: PLAN_TIME_ZONE, ...today };
  }

  /** A patient's answers, each with its triage and score, oldest first. */
  responses(patientId: string, query: QuestionnaireResponsesQuery): Promise<StoredQuestionnaireResponse[]> {
    return responsesOf(this.db, patientId, query);
  }
}
