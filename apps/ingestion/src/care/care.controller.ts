import { Body, Controller, Get, HttpCode, Post, Put, Query, UseGuards } from '@nestjs/common';
import {
  AdherenceQuerySchema,
  BoardAdherenceQuerySchema,
  CarePlanBodySchema,
  DischargeBodySchema,
  QUESTIONNAIRES,
  QuestionnaireResponsesQuerySchema,
  type Adherence,
  type AdherenceQuery,
  type BoardAdherenceQuery,
  type PatientAdherenceSummary,
  type CarePlanBody,
  type CarePlanVersion,
  type Discharge,
  type DischargeBody,
  type PatientCarePlan,
  type QuestionnaireDefinition,
  type QuestionnaireResponsesQuery,
  type StoredQuestionnaireResponse,
} from '@tm/contracts';
import { ChangesPatient, PatientId, ReadsPatient, ReadsPatients } from '../access/patient-access';
import { AnyRole, AuthGuard, CurrentUser, Roles, SourceAddress } from '../auth/auth.guard';
import type { AuthenticatedUser } from '../auth/auth.service';
import { ZodPipe } from '../auth/zod-pipe';
import { CareService } from './care.service';
import { DischargeService } from './discharge.service';

/**
 * Care plans, adherence and questionnaire answers for clinicians (ARCHITECTURE.md §10). A nurse
 * or an admin changes a plan; home care reads it. Every read and change is audited; a patient's
 * token is refused here (the guard answers 404 for another patient's id): patients use /api/me.
 */
@Controller()
@UseGuards(AuthGuard)
export class CareController {
  constructor(
    private readonly care: CareService,
    private readonly discharges: DischargeService,
  ) {}

  /** The questionnaire definitions (every signed-in user: the patient's app renders them). */
  @Get('api/questionnaires')
  @AnyRole()
  questionnaires(): readonly QuestionnaireDefinition[] {
    return QUESTIONNAIRES;
  }

  @Get('api/patients/:id/plan')
  @ReadsPatient('patient.care_plan.read', { detail: (_q, view: PatientCarePlan) => ({ version: view.version }) })
  plan(@PatientId() patientId: string): Promise<PatientCarePlan> {
    return this.care.plan(patientId, new Date());
  }

  /**
   * Ends the patient's programme (issue 17, item 9): readings are still stored but raise nothing,
   * nothing is missing, and the open alerts are resolved. 409 when already discharged.
   */
  @Post('api/patients/:id/discharge')
  @HttpCode(200)
  @Roles('nurse', 'admin')
  @ChangesPatient({ body: DischargeBodySchema })
  discharge(@PatientId() patientId: string, @Body(new ZodPipe(DischargeBodySchema)) body: DischargeBody, @CurrentUser() user: AuthenticatedUser, @SourceAddress() source: string): Promise<Discharge> {
    return this.discharges.discharge({ user, source }, patientId, body, new Date());
  }

  /** Every stored version of the plan, newest first. */
  @Get('api/patients/:id/plan/versions')
  @ReadsPatient('patient.care_plan_versions.read')
  versions(@PatientId() patientId: string): Promise<CarePlanVersion[]> {
    return this.care.versions(patientId);
  }

  /** A new version of the plan; the previous ones are kept. `startedAt` defaults to the start of the plan in force. */
  @Put('api/patients/:id/plan')
  @Roles('nurse', 'admin')
  @ChangesPatient({ body: CarePlanBodySchema })
  changePlan(
    @PatientId() patientId: string,
    @Body(new ZodPipe(CarePlanBodySchema)) body: CarePlanBody,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<PatientCarePlan> {
    return this.care.changePlan({ user, source }, patientId, body, new Date());
  }

  /**
   * The board's adherence column, for every patient the caller may see: expected vs received over
   * the range (default: this calendar week up to today), and what is overdue by the plan now;
   * `patients` narrows it to the board's page.
   */
  @Get('api/patients/adherence')
  @ReadsPatients('patients.adherence.read', {
    patients: (rows: PatientAdherenceSummary[]) => rows.map((r) => r.patientId),
    // the range as answered (every row has the same)
    detail: (_q, rows: PatientAdherenceSummary[]) => rangeOf(rows),
  })
  adherenceOfAll(@Query(new ZodPipe(BoardAdherenceQuerySchema)) query: BoardAdherenceQuery, @CurrentUser() user: AuthenticatedUser): Promise<PatientAdherenceSummary[]> {
    return this.care.adherenceOfAll(user, query, new Date());
  }

  /** Expected vs received per activity of the plan in force, per day and calendar week. */
  @Get('api/patients/:id/adherence')
  @ReadsPatient('patient.adherence.read', { query: AdherenceQuerySchema, detail: (_q, answer: Adherence) => ({ from: answer.from, to: answer.to }) })
  adherence(@PatientId() patientId: string, @Query(new ZodPipe(AdherenceQuerySchema)) query: AdherenceQuery): Promise<Adherence> {
    return this.care.adherence(patientId, query, new Date());
  }

  /** A patient's answers, each with its triage and score, oldest first. */
  @Get('api/patients/:id/questionnaire-responses')
  @ReadsPatient('patient.questionnaire_responses.read', { query: QuestionnaireResponsesQuerySchema, detail: (query) => ({ ...query }) })
  responses(@PatientId() patientId: string, @Query(new ZodPipe(QuestionnaireResponsesQuerySchema)) query: QuestionnaireResponsesQuery): Promise<StoredQuestionnaireResponse[]> {
    return this.care.responses(patientId, query);
  }
}

/** from/to of the board's adherence answer; with no rows there is no audit row to carry them. */
function rangeOf(rows: readonly PatientAdherenceSummary[]): Record<string, unknown> {
  const first = rows[0];
  return first ? { from: first.from, to: first.to } : {};
}
