import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  GreenReviewBodySchema,
  type GreenReviewResponse,
  ObservationsQuerySchema,
  TrendsQuerySchema,
  type ObservationRow,
  type PatientSummary,
  type TrendBucket,
} from '@tm/contracts';
import type { z } from 'zod';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import { AuthGuard, CurrentUser, Roles, SourceAddress } from '../auth/auth.guard';
import type { AuthenticatedUser } from '../auth/auth.service';
import { ZodPipe } from '../auth/zod-pipe';
import type { Db } from '../db/db';
import { DB } from '../http/tokens';
import { devicesOf, listPatients, observationsOf, trendsOf, type DeviceStatus } from './patient-repository';

@Controller()
@UseGuards(AuthGuard)
export class PatientsController {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /** The patients of the caller's care teams, each with its triage (worst alert not yet resolved). */
  @Get('api/patients')
  async list(@CurrentUser() user: AuthenticatedUser, @SourceAddress() source: string): Promise<PatientSummary[]> {
    const patients = await listPatients(this.db, await this.access.visiblePatientIds(user));
    await this.audit.recordMany({ user, action: 'patients.read', source }, patients.map((p) => p.id));
    return patients;
  }

  /**
   * "Acknowledge all green" (as OpenTele offers its nurses): records, in the audit log, that the
   * nurse has looked at the new readings of those of these patients she may see that are green now.
   */
  @Post('api/patients/green-review')
  @HttpCode(200)
  @Roles('nurse', 'admin')
  async reviewGreen(
    @Body(new ZodPipe(GreenReviewBodySchema)) body: z.infer<typeof GreenReviewBodySchema>,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<GreenReviewResponse> {
    const asked = new Set(body.patientIds);
    const green = (await listPatients(this.db, await this.access.visiblePatientIds(user))).filter((p) => asked.has(p.id) && p.triage === 'green');
    await this.audit.recordMany({ user, action: 'patient.green_readings.reviewed', source }, green.map((p) => p.id));
    return { reviewed: green.map((p) => p.id) };
  }

  @Get('api/patients/:id/observations')
  async observations(
    @Param('id') patientId: string,
    @Query(new ZodPipe(ObservationsQuerySchema)) query: z.infer<typeof ObservationsQuerySchema>,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<ObservationRow[]> {
    await this.access.assertCanSee(user, patientId);
    const rows = await observationsOf(this.db, patientId, query);
    await this.audit.record({ user, action: 'patient.observations.read', patientId, source, detail: { ...query } });
    return rows;
  }

  @Get('api/patients/:id/trends')
  async trends(
    @Param('id') patientId: string,
    @Query(new ZodPipe(TrendsQuerySchema)) query: z.infer<typeof TrendsQuerySchema>,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<TrendBucket[]> {
    await this.access.assertCanSee(user, patientId);
    const rows = await trendsOf(this.db, patientId, query);
    await this.audit.record({ user, action: 'patient.trends.read', patientId, source, detail: { ...query } });
    return rows;
  }

  @Get('api/patients/:id/devices')
  async devices(@Param('id') patientId: string, @CurrentUser() user: AuthenticatedUser, @SourceAddress() source: string): Promise<DeviceStatus[]> {
    await this.access.assertCanSee(user, patientId);
    const rows = await devicesOf(this.db, patientId);
    await this.audit.record({ user, action: 'patient.devices.read', patientId, source });
    return rows;
  }
}
