import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import {
  AlertActionBodySchema,
  AlertsQuerySchema,
  ThresholdsBodySchema,
  type Alert,
  type AlertActionBody,
  type PatientThresholds,
  type ThresholdsBody,
} from '@tm/contracts';
import { acknowledge, alertMessage, resolve, type Locale } from '@tm/rules';
import type { z } from 'zod';
import { ChangesPatient, PatientId, ReadsPatient, ReadsPatients } from '../access/patient-access';
import { AuthGuard, CurrentUser, Roles, SourceAddress } from '../auth/auth.guard';
import type { AuthenticatedUser } from '../auth/auth.service';
import { ZodPipe } from '../auth/zod-pipe';
import { AlertsService } from './alerts.service';

@Controller()
@UseGuards(AuthGuard)
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get('api/alerts')
  @ReadsPatients('alerts.read', {
    query: AlertsQuerySchema,
    patients: (alerts: Alert[]) => [...new Set(alerts.map((a) => a.patientId))],
    detail: (query) => ({ status: query.status ?? null }),
  })
  async list(
    @Query(new ZodPipe(AlertsQuerySchema)) query: z.infer<typeof AlertsQuerySchema>,
    @CurrentUser() user: AuthenticatedUser,
    @Headers('accept-language') language?: string,
  ): Promise<Alert[]> {
    return (await this.alerts.list(user, query)).map((a) => inLanguage(a, localeOf(language)));
  }

  @Post('api/alerts/:id/acknowledge')
  @HttpCode(200)
  @Roles('nurse', 'admin')
  async acknowledge(
    @Param('id') id: string,
    @Body(new ZodPipe(AlertActionBodySchema)) body: AlertActionBody,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
    @Headers('accept-language') language?: string,
  ): Promise<Alert> {
    return inLanguage(await this.alerts.act({ user, source }, id, 'alert.acknowledge', (a, now) => acknowledge(a, user.username, body.note, now)), localeOf(language));
  }

  @Post('api/alerts/:id/resolve')
  @HttpCode(200)
  @Roles('nurse', 'admin')
  async resolve(
    @Param('id') id: string,
    @Body(new ZodPipe(AlertActionBodySchema)) body: AlertActionBody,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
    @Headers('accept-language') language?: string,
  ): Promise<Alert> {
    return inLanguage(await this.alerts.act({ user, source }, id, 'alert.resolve', (a, now) => resolve(a, user.username, body.note, now)), localeOf(language));
  }

  @Get('api/patients/:id/thresholds')
  @ReadsPatient('thresholds.read')
  thresholds(@PatientId() patientId: string): Promise<PatientThresholds> {
    return this.alerts.thresholds(patientId);
  }

  @Put('api/patients/:id/thresholds')
  @Roles('nurse', 'admin')
  @ChangesPatient({ body: ThresholdsBodySchema })
  changeThresholds(
    @PatientId() patientId: string,
    @Body(new ZodPipe(ThresholdsBodySchema)) body: ThresholdsBody,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<PatientThresholds> {
    return this.alerts.changeThresholds({ user, source }, patientId, body);
  }
}

/** The language the caller asked for (Accept-Language), Danish unless English comes first. */
export function localeOf(acceptLanguage: string | undefined): Locale {
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'da';
}

/** `message` in the caller's language; clients that render messageKey themselves ignore it. */
export function inLanguage(alert: Alert, locale: Locale): Alert {
  return alert.messageKey ? { ...alert, message: alertMessage(alert.messageKey, alert.messageParams, locale) } : alert;
}
