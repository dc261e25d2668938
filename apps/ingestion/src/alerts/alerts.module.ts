import { Module } from '@nestjs/common';
import { LiveModule } from '../live/live.module';
import { AlertingService } from './alerting.service';
import { AlertsController } from './alerts.controller';

@Module({ imports: [LiveModule], controllers: [AlertsController], providers: [AlertingService], exports: [AlertingService] })
export class AlertsModule {}
