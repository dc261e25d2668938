import { Module } from '@nestjs/common';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';

/** The nurses' alert and threshold routes; alerts are raised by triage/. */
@Module({ controllers: [AlertsController], providers: [AlertsService] })
export class AlertsModule {}
