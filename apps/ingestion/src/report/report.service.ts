import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { REPORT_MAX_READINGS, type PatientReport, type PeriodQuery, type StoredReading } from '@tm/contracts';
import type { Db } from '../db/db';
import { DomainError } from '../shared/errors';
import { DB } from '../shared/tokens';
import { alertsDuring, measuresBetween, notesBetween, readingsBetween, reportPatient, type Period } from './report-repository';

export class ReportError extends DomainError {}

const periodOf = (q: PeriodQuery): Period => ({ from: new Date(q.from), to: new Date(q.to) });

/** A period of one patient for the GP or a discharge letter, and the readings the nurse's record lists (with invalidated ones). */
@Injectable()
export class ReportService {
  constructor(@Inject(DB) private readonly db: Db) {}

  async report(patientId: string, query: PeriodQuery, now = new Date()): Promise<PatientReport> {
    const period = periodOf(query);
    const [patient, measures, readings, alerts, notes] = await Promise.all([
      reportPatient(this.db, patientId),
      measuresBetween(this.db, patientId, period),
      // one more than the report holds says whether the period had more
      readingsBetween(this.db, patientId, period, REPORT_MAX_READINGS + 1),
      alertsDuring(this.db, patientId, period),
      notesBetween(this.db, patientId, period),
    ]);
    if (!patient) throw new ReportError('patient_not_found', `No patient ${patientId}`, HttpStatus.NOT_FOUND);
    return {
      patient,
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      generatedAt: now.toISOString(),
      measures,
      readings: readings.slice(0, REPORT_MAX_READINGS),
      readingsTruncated: readings.length > REPORT_MAX_READINGS,
      alerts,
      notes,
    };
  }

  readings(patientId: string, query: PeriodQuery): Promise<StoredReading[]> {
    return readingsBetween(this.db, patientId, periodOf(query), REPORT_MAX_READINGS);
  }
}
