import { z } from 'zod';
import { AlertSchema } from './live';
import { InstantSchema, PatientIdSchema } from './measurement';
import { StoredReadingSchema } from './manual-readings';
import { CareNoteSchema } from './record';
import { ProgrammeSchema } from './thresholds';

/** The longest period one report or reading list covers. */
export const REPORT_MAX_DAYS = 366;
/** The most readings one report or reading list holds (a TeleKOL patient measures at most a few times a day). */
export const REPORT_MAX_READINGS = 2000;

/** `?from=&to=` of a report or a reading list: an instant each, `from` before `to`, at most a year apart. */
export const PeriodQuerySchema = z
  .object({ from: InstantSchema, to: InstantSchema })
  .strip()
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= REPORT_MAX_DAYS * 86_400_000, { message: `a period is at most ${REPORT_MAX_DAYS} days; ask for a shorter one`, path: ['to'] });
export type PeriodQuery = z.infer<typeof PeriodQuerySchema>;

/** One measure over the period, from the valid readings only (an invalidated one is left out, as from trends). */
export const ReportMeasureSchema = z.object({
  code: z.string(),
  unit: z.string(),
  count: z.number().int(),
  min: z.number(),
  max: z.number(),
  avg: z.number(),
  first: z.number(),
  firstAt: InstantSchema,
  last: z.number(),
  lastAt: InstantSchema,
});
export type ReportMeasure = z.infer<typeof ReportMeasureSchema>;

/** GET /api/patients/:id/report?from=&to=: a period for the GP or a discharge letter. */
export const PatientReportSchema = z.object({
  patient: z.object({ id: PatientIdSchema, displayName: z.string(), programme: ProgrammeSchema }),
  from: InstantSchema,
  to: InstantSchema,
  generatedAt: InstantSchema,
  /** per measure: first, last, lowest, highest, average */
  measures: z.array(ReportMeasureSchema),
  /** newest first, invalidated ones included with who and why; at most REPORT_MAX_READINGS */
  readings: z.array(StoredReadingSchema),
  /** more readings than the report holds were taken in the period */
  readingsTruncated: z.boolean(),
  /** raised in the period or still open during it, newest first */
  alerts: z.array(AlertSchema),
  /** the care record's entries of the period, oldest first */
  notes: z.array(CareNoteSchema),
});
export type PatientReport = z.infer<typeof PatientReportSchema>;
