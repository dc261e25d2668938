import { Body, Controller, Get, Inject, Param, Put, Query, UseGuards } from '@nestjs/common';
import {
  AdherenceQuerySchema,
  CarePlanBodySchema,
  QUESTIONNAIRES,
  QuestionnaireResponsesQuerySchema,
  questionnaireDefinition,
  questionnaireIdOf,
  type Adherence,
  type AdherenceQuery,
  type PatientAdherenceSummary,
  type CarePlanBody,
  type CarePlanVersion,
  type PatientCarePlan,
  type QuestionnaireDefinition,
  type QuestionnaireResponsesQuery,
  type StoredQuestionnaireResponse,
} from '@tm/contracts';
import { addDays, adherenceOf, dayNumber, isoWeekOf, localDate, overdueActivities, PLAN_TIME_ZONE, startOfLocalDay } from '@tm/rules';
import { AccessService } from '../access/access.service';
import { lockPatients } from '../alerts/triage';
import { monitoredSince, patientForRules, patientsForRules, planInForce, type PatientForRules } from '../alerts/thresholds-repository';
import { AuditService } from '../audit/audit.service';
import { AnyRole, AuthGuard, CurrentUser, Roles, SourceAddress } from '../auth/auth.guard';
import type { AuthenticatedUser } from '../auth/auth.service';
import { ZodPipe } from '../auth/zod-pipe';
import type { Db, Queryable } from '../db/db';
import { DB } from '../http/tokens';
import { CareError } from './care-error';
import { lastSeenByPatient, planVersions, planView, receivedBetween, receivedByPatient, savePlans } from './care-plan-repository';
import { responsesOf } from './questionnaire-repository';

/** The default adherence range: the last four weeks. */
export const DEFAULT_ADHERENCE_DAYS = 28;
/** The longest adherence range one request may ask for. */
export const MAX_ADHERENCE_DAYS = 366;

/** The patient, or 404 (the caller has checked access). */
export async function loadPatient(db: Queryable, patientId: string): Promise<PatientForRules> {
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

/** Expected vs received for a patient over a range of local days (shared by the clinician and patient routes). */
export async function adherenceFor(db: Queryable, patient: PatientForRules, query: AdherenceQuery, now: Date): Promise<Adherence> {
  const { from, to } = adherenceRange(query, now);
  const received = await receivedBetween(db, patient.id, startOfLocalDay(from, PLAN_TIME_ZONE), startOfLocalDay(addDays(to, 1), PLAN_TIME_ZONE));
  const { activities, total } = adherenceOf(planInForce(patient), from, to, received, PLAN_TIME_ZONE);
  return { patientId: patient.id, from, to, timeZone: PLAN_TIME_ZONE, activities, total };
}

/**
 * Care plans, adherence and questionnaire answers for clinicians (ARCHITECTURE.md §10). A nurse
 * or an admin changes a plan; home care reads it. Every read and change is audited; a patient's
 * token is refused here (the guard answers 404 for another patient's id): patients use /api/me.
 */
@Controller()
@UseGuards(AuthGuard)
export class CareController {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /** The questionnaire definitions (every signed-in user: the patient's app renders them). */
  @Get('api/questionnaires')
  @AnyRole()
  questionnaires(): readonly QuestionnaireDefinition[] {
    return QUESTIONNAIRES;
  }

  @Get('api/patients/:id/plan')
  async plan(@Param('id') patientId: string, @CurrentUser() user: AuthenticatedUser, @SourceAddress() source: string): Promise<PatientCarePlan> {
    await this.access.assertCanSee(user, patientId);
    const view = planView(await loadPatient(this.db, patientId), new Date());
    await this.audit.record({ user, action: 'patient.care_plan.read', patientId, source, detail: { version: view.version } });
    return view;
  }

  /** Every stored version of the plan, newest first. */
  @Get('api/patients/:id/plan/versions')
  async versions(@Param('id') patientId: string, @CurrentUser() user: AuthenticatedUser, @SourceAddress() source: string): Promise<CarePlanVersion[]> {
    await this.access.assertCanSee(user, patientId);
    const versions = await planVersions(this.db, patientId);
    await this.audit.record({ user, action: 'patient.care_plan_versions.read', patientId, source });
    return versions;
  }

  /** A new version of the plan; the previous ones are kept. `startedAt` defaults to the start of the plan in force. */
  @Put('api/patients/:id/plan')
  @Roles('nurse', 'admin')
  async changePlan(
    @Param('id') patientId: string,
    @Body(new ZodPipe(CarePlanBodySchema)) body: CarePlanBody,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<PatientCarePlan> {
    await this.access.assertCanSee(user, patientId);
    const unknown = body.activities.map((a) => questionnaireIdOf(a.activity)).filter((id): id is string => id !== null && !questionnaireDefinition(id));
    if (unknown.length > 0) throw new CareError('unknown_questionnaire', `No questionnaire ${unknown.join(', ')}; GET /api/questionnaires lists them`);
    const now = new Date();
    const view = await this.db.transaction(async (tx) => {
      await lockPatients(tx, [patientId]);
      const before = await loadPatient(tx, patientId);
      const startedAt = body.startedAt ? new Date(body.startedAt) : planInForce(before).startedAt;
      const versions = await savePlans(tx, [{ patientId, plan: { activities: body.activities }, startedAt }], user.id, now);
      await this.audit.record(
        { user, action: 'patient.care_plan.change', patientId, source, detail: { version: versions.get(patientId) ?? null, previousVersion: before.plan?.version ?? 0, startedAt: startedAt.toISOString() } },
        tx,
      );
      return planView(await loadPatient(tx, patientId), now);
    });
    return view;
  }

  /**
   * The board's adherence column, for every patient the caller may see: expected vs received over
   * the range (default: this calendar week up to today), and what is overdue by the plan now.
   */
  @Get('api/patients/adherence')
  async adherenceOfAll(
    @Query(new ZodPipe(AdherenceQuerySchema)) query: AdherenceQuery,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<PatientAdherenceSummary[]> {
    const now = new Date();
    const { from, to } = adherenceRange({ from: query.from ?? isoWeekOf(localDate(now, PLAN_TIME_ZONE)).weekStart, to: query.to }, now);
    const ids = await this.access.visiblePatientIds(user);
    const patients = await patientsForRules(this.db, ids);
    const received = await receivedByPatient(this.db, ids, startOfLocalDay(from, PLAN_TIME_ZONE), startOfLocalDay(addDays(to, 1), PLAN_TIME_ZONE));
    const lastSeen = await lastSeenByPatient(this.db, ids);
    const rows = ids.flatMap((id): PatientAdherenceSummary[] => {
      const patient = patients.get(id);
      if (!patient) return [];
      const plan = planInForce(patient);
      const { activities, total } = adherenceOf(plan, from, to, received.get(id) ?? [], PLAN_TIME_ZONE);
      const paused = patient.pausedUntil !== null && patient.pausedUntil.getTime() > now.getTime();
      const overdue = paused ? [] : overdueActivities(plan, lastSeen.get(id) ?? {}, now, monitoredSince(patient, now), PLAN_TIME_ZONE);
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
    await this.audit.recordMany({ user, action: 'patients.adherence.read', source, detail: { from, to } }, rows.map((r) => r.patientId));
    return rows;
  }

  /** Expected vs received per activity of the plan in force, per day and calendar week. */
  @Get('api/patients/:id/adherence')
  async adherence(
    @Param('id') patientId: string,
    @Query(new ZodPipe(AdherenceQuerySchema)) query: AdherenceQuery,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<Adherence> {
    await this.access.assertCanSee(user, patientId);
    const answer = await adherenceFor(this.db, await loadPatient(this.db, patientId), query, new Date());
    await this.audit.record({ user, action: 'patient.adherence.read', patientId, source, detail: { from: answer.from, to: answer.to } });
    return answer;
  }

  /** A patient's answers, each with its triage and score, oldest first. */
  @Get('api/patients/:id/questionnaire-responses')
  async responses(
    @Param('id') patientId: string,
    @Query(new ZodPipe(QuestionnaireResponsesQuerySchema)) query: QuestionnaireResponsesQuery,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<StoredQuestionnaireResponse[]> {
    await this.access.assertCanSee(user, patientId);
    const rows = await responsesOf(this.db, patientId, query);
    await this.audit.record({ user, action: 'patient.questionnaire_responses.read', patientId, source, detail: { ...query } });
    return rows;
  }
}
