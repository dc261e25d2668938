import { Body, Controller, Get, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import {
  ObservationsQuerySchema,
  QuestionnaireResponseSchema,
  QuestionnaireResponsesQuerySchema,
  TrendsQuerySchema,
  type Me,
  type ObservationRow,
  type PatientRedStatus,
  type PatientCarePlan,
  type QuestionnaireResponse,
  type QuestionnaireResponsesQuery,
  type StoredQuestionnaireResponse,
  type Today,
  type TrendBucket,
} from '@tm/contracts';
import type { z } from 'zod';
import { ChangesPatient, PatientId, ReadsPatient } from '../access/patient-access';
import { AuthGuard, CurrentUser, Roles, SourceAddress } from '../auth/auth.guard';
import type { AuthenticatedUser } from '../auth/auth.service';
import { ZodPipe } from '../auth/zod-pipe';
import { CareService } from '../care/care.service';
import { QuestionnaireService } from '../care/questionnaire.service';
import { PatientsService } from '../patients/patients.service';
import { RedStatusService } from './red-status';

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
    private readonly patients: PatientsService,
    private readonly care: CareService,
    private readonly questionnaires: QuestionnaireService,
    private readonly reds: RedStatusService,
  ) {}

  /** `{ patientId, displayName, programme, careTeams: [{ id, name, kind, phone }] }`. */
  @Get()
  @ReadsPatient('patient.profile.read', { patient: 'own' })
  me(@PatientId() patientId: string): Promise<Me> {
    return this.patients.profile(patientId);
  }

  @Get('plan')
  @ReadsPatient('patient.care_plan.read', { patient: 'own', detail: (_q, view: PatientCarePlan) => ({ version: view.version }) })
  plan(@PatientId() patientId: string): Promise<PatientCarePlan> {
    return this.care.plan(patientId, new Date());
  }

  /** What is due today and what the hospital has received, per activity of the plan. */
  @Get('today')
  @ReadsPatient('patient.today.read', { patient: 'own' })
  today(@PatientId() patientId: string): Promise<Today> {
    return this.care.today(patientId, new Date());
  }

  /**
   * Whether a red is open, whether the care team has seen it, and whether the team is at work now:
   * the app's "what to do now" (PatientRedStatusSchema).
   */
  @Get('red-status')
  @ReadsPatient('patient.red_status.read', { patient: 'own' })
  redStatus(@PatientId() patientId: string): Promise<PatientRedStatus> {
    return this.reds.of(patientId, new Date());
  }

  /** Own readings, each with when the hospital received it (`receivedAt`). */
  @Get('observations')
  @ReadsPatient('patient.observations.read', { patient: 'own', query: ObservationsQuerySchema, detail: (query) => ({ ...query }) })
  observations(@PatientId() patientId: string, @Query(new ZodPipe(ObservationsQuerySchema)) query: z.infer<typeof ObservationsQuerySchema>): Promise<ObservationRow[]> {
    return this.patients.observations(patientId, query);
  }

  /** Own trends, as GET /api/patients/:id/trends answers them. */
  @Get('trends')
  @ReadsPatient('patient.trends.read', { patient: 'own', query: TrendsQuerySchema, detail: (query) => ({ ...query }) })
  trends(@PatientId() patientId: string, @Query(new ZodPipe(TrendsQuerySchema)) query: z.infer<typeof TrendsQuerySchema>): Promise<TrendBucket[]> {
    return this.patients.trends(patientId, query);
  }

  /** Own answers, oldest first (what the app shows as "your answers"). */
  @Get('questionnaire-responses')
  @ReadsPatient('patient.questionnaire_responses.read', { patient: 'own', query: QuestionnaireResponsesQuerySchema, detail: (query) => ({ ...query }) })
  responses(@PatientId() patientId: string, @Query(new ZodPipe(QuestionnaireResponsesQuerySchema)) query: QuestionnaireResponsesQuery): Promise<StoredQuestionnaireResponse[]> {
    return this.care.responses(patientId, query);
  }

  /**
   * Answers a questionnaire: 201 with the stored, triaged response; 200 with the same when this id
   * was stored before (an offline app sending again), nothing stored or raised twice. Audited with
   * the answer, in its transaction.
   */
  @Post('questionnaire-responses')
  @ChangesPatient({ body: QuestionnaireResponseSchema, patient: 'own' })
  async answer(
    @Body(new ZodPipe(QuestionnaireResponseSchema)) body: QuestionnaireResponse,
    @CurrentUser() user: AuthenticatedUser,
    @PatientId() patientId: string,
    @SourceAddress() source: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StoredQuestionnaireResponse> {
    const { response: stored, created } = await this.questionnaires.submit(user, patientId, body, source);
    response.status(created ? 201 : 200);
    return stored;
  }
}
