import { Body, Controller, Get, Inject, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import {
  ObservationsQuerySchema,
  QuestionnaireResponseSchema,
  QuestionnaireResponsesQuerySchema,
  TrendsQuerySchema,
  type Me,
  type ObservationRow,
  type PatientCarePlan,
  type Programme,
  type QuestionnaireResponse,
  type QuestionnaireResponsesQuery,
  type StoredQuestionnaireResponse,
  type Today,
  type TrendBucket,
} from '@tm/contracts';
import { addDays, isoWeekOf, localDate, PLAN_TIME_ZONE, startOfLocalDay, todayOf } from '@tm/rules';
import type { z } from 'zod';
import { planInForce } from '../alerts/thresholds-repository';
import { AuditService } from '../audit/audit.service';
import { AuthGuard, CurrentUser, Roles, SourceAddress } from '../auth/auth.guard';
import type { AuthenticatedUser } from '../auth/auth.service';
import { ZodPipe } from '../auth/zod-pipe';
import { CareError } from '../care/care-error';
import { loadPatient } from '../care/care.controller';
import { lastReceived, planView, receivedBetween } from '../care/care-plan-repository';
import { responsesOf } from '../care/questionnaire-repository';
import { QuestionnaireService } from '../care/questionnaire.service';
import type { Db } from '../db/db';
import { DB } from '../http/tokens';
import { observationsOf, trendsOf } from '../patients/patient-repository';

/** The patient the signed-in user is (role patient only; the guard has checked the role). */
function ownPatientId(user: AuthenticatedUser): string {
  if (!user.patientId) throw new CareError('not_a_patient', 'This sign-in is not linked to a patient; ask the care team to link it');
  return user.patientId;
}

/**
 * The patient's own app (ARCHITECTURE.md §10): who they are, their plan, what is due today, their
 * readings and answers. Every route is about the signed-in patient only (there is no id to ask for
 * another), and every read is audited as a clinician's would be.
 */
@Controller('api/me')
@UseGuards(AuthGuard)
@Roles('patient')
export class MeController {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly audit: AuditService,
    private readonly questionnaires: QuestionnaireService,
  ) {}

  /** `{ patientId, displayName, programme, careTeams: [{ id, name, kind, phone }] }`. */
  @Get()
  async me(@CurrentUser() user: AuthenticatedUser, @SourceAddress() source: string): Promise<Me> {
    const patientId = ownPatientId(user);
    const { rows } = await this.db.query<{ display_name: string; programme: Programme; teams: Me['careTeams'] | null }>(
      `SELECT p.display_name, p.programme,
              (SELECT json_agg(json_build_object('id', t.id, 'name', t.name, 'kind', t.kind, 'phone', t.phone) ORDER BY t.kind, t.id)
                 FROM patient_care_teams pt JOIN care_teams t ON t.id = pt.care_team_id WHERE pt.patient_id = p.id) AS teams
         FROM patients p WHERE p.id = $1`,
      [patientId],
    );
    const row = rows[0];
    if (!row) throw new CareError('patient_not_found', `No patient ${patientId}`);
    await this.audit.record({ user, action: 'patient.profile.read', patientId, source });
    return { patientId, displayName: row.display_name, programme: row.programme, careTeams: row.teams ?? [] };
  }

  @Get('plan')
  async plan(@CurrentUser() user: AuthenticatedUser, @SourceAddress() source: string): Promise<PatientCarePlan> {
    const patientId = ownPatientId(user);
    const view = planView(await loadPatient(this.db, patientId), new Date());
    await this.audit.record({ user, action: 'patient.care_plan.read', patientId, source, detail: { version: view.version } });
    return view;
  }

  /** What is due today and what the hospital has received, per activity of the plan. */
  @Get('today')
  async today(@CurrentUser() user: AuthenticatedUser, @SourceAddress() source: string): Promise<Today> {
    const patientId = ownPatientId(user);
    const now = new Date();
    const patient = await loadPatient(this.db, patientId);
    const weekStart = isoWeekOf(localDate(now, PLAN_TIME_ZONE)).weekStart;
    const received = await receivedBetween(this.db, patientId, startOfLocalDay(weekStart, PLAN_TIME_ZONE), startOfLocalDay(addDays(weekStart, 7), PLAN_TIME_ZONE));
    const today = todayOf(planInForce(patient), now, received, await lastReceived(this.db, patientId), PLAN_TIME_ZONE);
    await this.audit.record({ user, action: 'patient.today.read', patientId, source });
    return { patientId, timeZone: PLAN_TIME_ZONE, ...today };
  }

  /** Own readings, each with when the hospital received it (`receivedAt`). */
  @Get('observations')
  async observations(
    @Query(new ZodPipe(ObservationsQuerySchema)) query: z.infer<typeof ObservationsQuerySchema>,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<ObservationRow[]> {
    const patientId = ownPatientId(user);
    const rows = await observationsOf(this.db, patientId, query);
    await this.audit.record({ user, action: 'patient.observations.read', patientId, source, detail: { ...query } });
    return rows;
  }

  /** Own trends, as GET /api/patients/:id/trends answers them. */
  @Get('trends')
  async trends(
    @Query(new ZodPipe(TrendsQuerySchema)) query: z.infer<typeof TrendsQuerySchema>,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<TrendBucket[]> {
    const patientId = ownPatientId(user);
    const rows = await trendsOf(this.db, patientId, query);
    await this.audit.record({ user, action: 'patient.trends.read', patientId, source, detail: { ...query } });
    return rows;
  }

  /** Own answers, oldest first (what the app shows as "your answers"). */
  @Get('questionnaire-responses')
  async responses(
    @Query(new ZodPipe(QuestionnaireResponsesQuerySchema)) query: QuestionnaireResponsesQuery,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<StoredQuestionnaireResponse[]> {
    const patientId = ownPatientId(user);
    const rows = await responsesOf(this.db, patientId, query);
    await this.audit.record({ user, action: 'patient.questionnaire_responses.read', patientId, source, detail: { ...query } });
    return rows;
  }

  /**
   * Answers a questionnaire: 201 with the stored, triaged response; 200 with the same when this id
   * was stored before (an offline app sending again), nothing stored or raised twice.
   */
  @Post('questionnaire-responses')
  async answer(
    @Body(new ZodPipe(QuestionnaireResponseSchema)) body: QuestionnaireResponse,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StoredQuestionnaireResponse> {
    const { response: stored, created } = await this.questionnaires.submit(user, ownPatientId(user), body, source);
    response.status(created ? 201 : 200);
    return stored;
  }
}
