import { Body, Controller, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { InvalidateReadingBodySchema, ManualReadingBodySchema, type InvalidateReadingBody, type ManualReadingBody, type StoredReading } from '@tm/contracts';
import { ChangesPatient, PatientId } from '../access/patient-access';
import { AuthGuard, CurrentUser, Roles, SourceAddress } from '../auth/auth.guard';
import type { AuthenticatedUser } from '../auth/auth.service';
import { ZodPipe } from '../auth/zod-pipe';
import { ManualReadingsService } from './manual-readings.service';

/** A reading a nurse takes over the phone or home care on a visit, and marking a reading as wrong. */
@Controller('api/patients/:id/observations')
@UseGuards(AuthGuard)
@Roles('nurse', 'homecare')
export class ProxyReadingsController {
  constructor(private readonly readings: ManualReadingsService) {}

  /** 201 with the stored reading; 200 with the same when this id was stored before. */
  @Post()
  @ChangesPatient({ body: ManualReadingBodySchema })
  async record(
    @Body(new ZodPipe(ManualReadingBodySchema)) body: ManualReadingBody,
    @CurrentUser() user: AuthenticatedUser,
    @PatientId() patientId: string,
    @SourceAddress() source: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StoredReading> {
    const { reading, created } = await this.readings.record(user, patientId, body, source);
    response.status(created ? 201 : 200);
    return reading;
  }

  @Post(':measurementId/invalidate')
  @HttpCode(200)
  @ChangesPatient({ body: InvalidateReadingBodySchema })
  invalidate(
    @Param('measurementId') measurementId: string,
    @Body(new ZodPipe(InvalidateReadingBodySchema)) body: InvalidateReadingBody,
    @CurrentUser() user: AuthenticatedUser,
    @PatientId() patientId: string,
    @SourceAddress() source: string,
  ): Promise<StoredReading> {
    return this.readings.invalidate(user, patientId, measurementId, body.reason, source);
  }
}

/** A reading the patient types in (a device without Bluetooth, a failed gateway). */
@Controller('api/me/observations')
@UseGuards(AuthGuard)
@Roles('patient')
export class OwnReadingsController {
  constructor(private readonly readings: ManualReadingsService) {}

  @Post()
  @ChangesPatient({ body: ManualReadingBodySchema, patient: 'own' })
  async record(
    @Body(new ZodPipe(ManualReadingBodySchema)) body: ManualReadingBody,
    @CurrentUser() user: AuthenticatedUser,
    @PatientId() patientId: string,
    @SourceAddress() source: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StoredReading> {
    const { reading, created } = await this.readings.record(user, patientId, body, source);
    response.status(created ? 201 : 200);
    return reading;
  }
}
