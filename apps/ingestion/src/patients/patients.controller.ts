import { Body, Controller, Get, HttpCode, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import {
  AssigneeBodySchema,
  type AssigneeBody,
  PatientsQuerySchema,
  type PatientsQuery,
  GreenReviewBodySchema,
  type GreenReviewResponse,
  ObservationsQuerySchema,
  TrendsQuerySchema,
  type ObservationRow,
  type PatientSummary,
  type TrendBucket,
} from '@tm/contracts';
import type { z } from 'zod';
import { ChangesPatient, PatientId, ReadsPatient, ReadsPatients } from '../access/patient-access';
import { AuthGuard, CurrentUser, Roles, SourceAddress } from '../auth/auth.guard';
import type { AuthenticatedUser } from '../auth/auth.service';
import { ZodPipe } from '../auth/zod-pipe';
import type { DeviceStatus } from './patient-repository';
import { PatientsService } from './patients.service';

@Controller()
@UseGuards(AuthGuard)
export class PatientsController {
  constructor(private readonly patients: PatientsService) {}

  /**
   * The patients of the caller's care teams that the query keeps (search, filters, `mine=1`), each
   * with its triage (worst alert not yet resolved, or no_data); by id or in the board's order
   * (`sort=triage`); a page with `limit`/`offset`, the number of all of them in `X-Total-Count` and
   * of each triage in `X-Triage-Counts`. One audit row lists the patients answered.
   */
  @Get('api/patients')
  @ReadsPatients('patients.read', { query: PatientsQuerySchema, patients: (list: PatientSummary[]) => list.map((p) => p.id), detail: (query: PatientsQuery) => ({ ...query }) })
  async list(
    @Query(new ZodPipe(PatientsQuerySchema)) query: PatientsQuery,
    @CurrentUser() user: AuthenticatedUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PatientSummary[]> {
    const { patients, total, counts } = await this.patients.list(user, query);
    res.setHeader('X-Total-Count', String(total));
    res.setHeader('X-Triage-Counts', JSON.stringify(counts));
    return patients;
  }

  /** The nurse responsible for the patient (`mine=1` on the board), or null for nobody. */
  @Put('api/patients/:id/assignee')
  @Roles('nurse', 'homecare', 'admin')
  @ChangesPatient({ body: AssigneeBodySchema })
  assign(
    @PatientId() patientId: string,
    @Body(new ZodPipe(AssigneeBodySchema)) body: AssigneeBody,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<PatientSummary> {
    return this.patients.assign(user, patientId, body.userId, source);
  }

  /**
   * "Acknowledge all green" (as OpenTele offers its nurses): records, in the audit log, that the
   * nurse has looked at the new readings of those of these patients she may see that are green now.
   */
  @Post('api/patients/green-review')
  @HttpCode(200)
  @Roles('nurse', 'admin')
  @ReadsPatients('patient.green_readings.reviewed', { body: GreenReviewBodySchema, patients: (answer: GreenReviewResponse) => answer.reviewed })
  async reviewGreen(@Body(new ZodPipe(GreenReviewBodySchema)) body: z.infer<typeof GreenReviewBodySchema>, @CurrentUser() user: AuthenticatedUser): Promise<GreenReviewResponse> {
    return { reviewed: await this.patients.greenOf(user, body.patientIds) };
  }

  @Get('api/patients/:id/observations')
  @ReadsPatient('patient.observations.read', { query: ObservationsQuerySchema, detail: (query) => ({ ...query }) })
  observations(@PatientId() patientId: string, @Query(new ZodPipe(ObservationsQuerySchema)) query: z.infer<typeof ObservationsQuerySchema>): Promise<ObservationRow[]> {
    return this.patients.observations(patientId, query);
  }

  @Get('api/patients/:id/trends')
  @ReadsPatient('patient.trends.read', { query: TrendsQuerySchema, detail: (query) => ({ ...query }) })
  trends(@PatientId() patientId: string, @Query(new ZodPipe(TrendsQuerySchema)) query: z.infer<typeof TrendsQuerySchema>): Promise<TrendBucket[]> {
    return this.patients.trends(patientId, query);
  }

  @Get('api/patients/:id/devices')
  @ReadsPatient('patient.devices.read')
  devices(@PatientId() patientId: string): Promise<DeviceStatus[]> {
    return this.patients.devices(patientId);
  }
}
