import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Inject, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import {
  AlertActionBodySchema,
  AlertsQuerySchema,
  ThresholdsBodySchema,
  type Alert,
  type AlertActionBody,
  type PatientThresholds,
  type ThresholdsBody,
} from '@tm/contracts';
import { acknowledge, alertMessage, AlertLifecycleError, overrideConflicts, resolve, type Locale } from '@tm/rules';
import type { z } from 'zod';
import { AccessError, AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import { AuthGuard, CurrentUser, Roles, SourceAddress } from '../auth/auth.guard';
import type { AuthenticatedUser } from '../auth/auth.service';
import { ZodPipe } from '../auth/zod-pipe';
import type { Db } from '../db/db';
import { DomainError } from '../http/errors';
import { DB } from '../http/tokens';
import { appendLiveEvents } from '../live/live-events';
import { LiveService } from '../live/live.service';
import { alertById, listAlerts, saveAlert } from './alert-store';
import { patientForRules, saveThresholds, thresholdsView } from './thresholds-repository';

export class AlertError extends DomainError {}

const LIFECYCLE_STATUS: Record<AlertLifecycleError['code'], number> = {
  ALERT_RESOLVED: HttpStatus.CONFLICT,
  ALERT_ALREADY_ACKNOWLEDGED: HttpStatus.CONFLICT,
  USER_REQUIRED: HttpStatus.BAD_REQUEST,
  NOTE_TOO_LONG: HttpStatus.BAD_REQUEST,
  RULE_MISMATCH: HttpStatus.INTERNAL_SERVER_ERROR,
};

@Controller()
@UseGuards(AuthGuard)
export class AlertsController {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly live: LiveService,
  ) {}

  @Get('api/alerts')
  async list(
    @Query(new ZodPipe(AlertsQuerySchema)) query: z.infer<typeof AlertsQuerySchema>,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
    @Headers('accept-language') language?: string,
  ): Promise<Alert[]> {
    if (query.patientId) await this.access.assertCanSee(user, query.patientId);
    const patients = query.patientId ? [query.patientId] : await this.access.visiblePatientIds(user);
    const alerts = await listAlerts(this.db, patients, query.status);
    await this.audit.recordMany({ user, action: 'alerts.read', source, detail: { status: query.status ?? null } }, [...new Set(alerts.map((a) => a.patientId))]);
    return alerts.map((a) => inLanguage(a, localeOf(language)));
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
    return inLanguage(await this.act(id, user, source, 'alert.acknowledge', (a, now) => acknowledge(a, user.username, body.note, now)), localeOf(language));
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
    return inLanguage(await this.act(id, user, source, 'alert.resolve', (a, now) => resolve(a, user.username, body.note, now)), localeOf(language));
  }

  @Get('api/patients/:id/thresholds')
  async thresholds(@Param('id') patientId: string, @CurrentUser() user: AuthenticatedUser, @SourceAddress() source: string): Promise<PatientThresholds> {
    await this.access.assertCanSee(user, patientId);
    const patient = await patientForRules(this.db, patientId);
    if (!patient) throw notFound(patientId);
    await this.audit.record({ user, action: 'thresholds.read', patientId, source });
    return thresholdsView(patient);
  }

  @Put('api/patients/:id/thresholds')
  @Roles('nurse', 'admin')
  async changeThresholds(
    @Param('id') patientId: string,
    @Body(new ZodPipe(ThresholdsBodySchema)) body: ThresholdsBody,
    @CurrentUser() user: AuthenticatedUser,
    @SourceAddress() source: string,
  ): Promise<PatientThresholds> {
    await this.access.assertCanSee(user, patientId);
    const current = await patientForRules(this.db, patientId);
    if (!current) throw notFound(patientId);
    const conflicts = overrideConflicts(current.programme, body.rules);
    if (conflicts.length > 0) throw new AlertError('threshold_conflict', conflicts.map((c) => c.message).join(' '), HttpStatus.BAD_REQUEST);
    await this.db.transaction(async (tx) => {
      await saveThresholds(tx, patientId, body.rules, user.username, new Date());
      await this.audit.record({ user, action: 'thresholds.change', patientId, source, detail: { rules: body.rules } }, tx);
    });
    const patient = await patientForRules(this.db, patientId);
    if (!patient) throw notFound(patientId);
    return thresholdsView(patient);
  }

  private async act(id: string, user: AuthenticatedUser, source: string, action: string, change: (alert: Alert, now: Date) => Alert): Promise<Alert> {
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
      await this.audit.record({ user, action, patientId: saved.patientId, source, detail: { alertId: saved.id } }, tx);
      return { alert: saved, events: await appendLiveEvents(tx, [saved], []) };
    });
    this.live.publish(events);
    return alert;
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

function notFound(patientId: string): AccessError {
  return new AccessError('patient_not_found', `No patient ${patientId} in your care teams`, HttpStatus.NOT_FOUND);
}
