import { Module } from '@nestjs/common';
import { ReportController } from './report.controller';
import { ReportService } from './report.service';

/** GET /api/patients/:id/report and …/readings: a period of one patient. */
@Module({ controllers: [ReportController], providers: [ReportService] })
export class ReportModule {}
