import { Module } from '@nestjs/common';
import { TriageModule } from '../triage/triage.module';
import { OwnReadingsController, ProxyReadingsController } from './manual-readings.controller';
import { ManualReadingsService } from './manual-readings.service';

/** Typed and proxy readings (POST /api/me/observations, POST /api/patients/:id/observations) and invalidation. */
@Module({ imports: [TriageModule], controllers: [ProxyReadingsController, OwnReadingsController], providers: [ManualReadingsService] })
export class ManualReadingsModule {}
