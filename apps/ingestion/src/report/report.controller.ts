import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { PeriodQuerySchema, type PatientReport, type PeriodQuery, type StoredReading } from '@tm/contracts';
import { PatientId, ReadsPatient } from '../access/patient-access';
import { AuthGuard } from '../auth/auth.guard';
import { ZodPipe } from '../auth/zod-pipe';
import { ReportService } from './report.service';

/** A patient's period as a report (GP, discharge letter) and as the list of readings the nurse's record shows. */
@Controller('api/patients/:id')
@UseGuards(AuthGuard)
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  /** Readings, measures, alerts and notes between `from` and `to` (at most a year). */
  @Get('report')
  @ReadsPatient<PeriodQuery>('patient.report.read', { query: PeriodQuerySchema, detail: (q) => ({ from: q.from, to: q.to }) })
  report(@Query(new ZodPipe(PeriodQuerySchema)) query: PeriodQuery, @PatientId() patientId: string): Promise<PatientReport> {
    return this.reports.report(patientId, query);
  }

  /** The period's readings newest first, invalidated ones included with who, when and why. */
  @Get('readings')
  @ReadsPatient<PeriodQuery>('patient.readings.read', { query: PeriodQuerySchema, detail: (q) => ({ from: q.from, to: q.to }) })
  readings(@Query(new ZodPipe(PeriodQuerySchema)) query: PeriodQuery, @PatientId() patientId: string): Promise<StoredReading[]> {
    return this.reports.readings(patientId, query);
  }
}
