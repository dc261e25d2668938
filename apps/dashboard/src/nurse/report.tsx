import { useState, type FormEvent, type ReactNode } from 'react';
import { addDays, CLINIC_TIME_ZONE, localDate, PatientReportSchema, REPORT_MAX_DAYS, startOfLocalDay, type Alert, type PatientReport, type ReportMeasure, type StoredReading } from '@tm/contracts';
import { formatNumber, LOCALES, measureName, unitText, type Language } from '../i18n';
import { query } from '../shared/api';
import { Loaded } from '../shared/components';
import { useResource, useSession } from '../shared/context';
import { DataTable, type Column } from '../shared/data-table';
import { href } from '../shared/routes';
import { TrendChart, type SeriesPoint } from '../shared/trend-chart';
import { alertText } from './alert-text';
import { NoteEntry } from './handover';
import { readingValues, SOURCE_KEYS } from './readings';
import { SeverityBadge } from './triage-badge';
import './care-pages.css';

/** The period a report covers when none is chosen: the last 30 days, today included. */
const DEFAULT_DAYS = 30;

/**
 * A letter to the GP is read anywhere: its times are the clinic's (Copenhagen), said so on the
 * page, whatever the time zone of the computer that prints it. The shared formatters follow the
 * browser's zone, so the report formats with the clinic's zone set.
 */
const clinicDateTime = (language: Language, iso: string): string =>
  new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'short', timeStyle: 'short', timeZone: CLINIC_TIME_ZONE }).format(new Date(iso));
/** A calendar date (`2026-11-23`) written out with its year: "23. nov. 2026". */
const calendarDate = (language: Language, date: string): string =>
  new Intl.DateTimeFormat(LOCALES[language], { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`report-${id}`}>
      <h2 id={`report-${id}`}>{title}</h2>
      {children}
    </section>
  );
}

/** A table wider than a phone scrolls inside its own region, reachable by keyboard (axe scrollable-region-focusable). */
function Scroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="scroll-region" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** Each measure's valid readings as points for its chart (an invalidated one is left out, as in the trends). */
function seriesOf(readings: readonly StoredReading[], code: string): SeriesPoint[] {
  return readings
    .filter((r) => r.invalidatedAt === null)
    .flatMap((r) => r.components.filter((c) => c.code === code).map((c) => ({ at: r.measuredAt, value: c.value, min: c.value, max: c.value, count: 1 })))
    .reverse();
}

function alertStatus(t: ReturnType<typeof useSession>['t'], a: Alert): string {
  switch (a.status) {
    case 'open':
      return t('report.alertStatus.open');
    case 'acknowledged':
      return t('report.alertStatus.acknowledged', { by: a.acknowledgedBy ?? '' });
    case 'resolved':
      return t('report.alertStatus.resolved', { by: a.resolvedBy ?? '' });
  }
}

function ReportBody({ report, fromDate, toDate }: { report: PatientReport; fromDate: string; toDate: string }) {
  const { t, language } = useSession();
  const num = (v: number): string => formatNumber(language, v);
  const measureColumns: Column<ReportMeasure>[] = [
    { key: 'measure', header: t('report.measure'), cell: (m) => `${measureName(language, m.code)} (${unitText(m.unit)})` },
    { key: 'count', header: t('report.count'), cell: (m) => num(m.count) },
    { key: 'first', header: t('report.first'), cell: (m) => `${num(m.first)} (${clinicDateTime(language, m.firstAt)})` },
    { key: 'last', header: t('report.last'), cell: (m) => `${num(m.last)} (${clinicDateTime(language, m.lastAt)})` },
    { key: 'min', header: t('report.min'), cell: (m) => num(m.min) },
    { key: 'max', header: t('report.max'), cell: (m) => num(m.max) },
    { key: 'avg', header: t('report.avg'), cell: (m) => num(m.avg) },
  ];
  const alertColumns: Column<Alert>[] = [
    { key: 'time', header: t('report.time'), cell: (a) => clinicDateTime(language, a.raisedAt) },
    { key: 'alert', header: t('report.alert'), cell: (a) => (<><SeverityBadge severity={a.severity} /> {alertText(a, language)}</>) },
    { key: 'status', header: t('report.status'), cell: (a) => [alertStatus(t, a), a.acknowledgeNote, a.resolveNote].filter(Boolean).join(' · ') },
  ];
  const readingColumns: Column<StoredReading>[] = [
    { key: 'time', header: t('report.time'), cell: (r) => clinicDateTime(language, r.measuredAt) },
    {
      key: 'values',
      header: t('report.values'),
      cell: (r) =>
        r.invalidatedAt === null ? (
          readingValues(language, r)
        ) : (
          <>
            <del>{readingValues(language, r)}</del>
            <span className="invalidation"> {t('readings.invalidated', { by: r.invalidatedBy ?? '', at: clinicDateTime(language, r.invalidatedAt), reason: r.invalidationReason ?? '' })}</span>
          </>
        ),
      className: (r) => (r.invalidatedAt === null ? 'values' : 'values invalid'),
    },
    { key: 'source', header: t('report.source'), cell: (r) => t(SOURCE_KEYS[r.source]) },
  ];
  const from = new Date(report.from);
  const to = new Date(report.to);
  return (
    <div className="report" data-testid="report">
      <div className="report-meta">
        <p data-testid="report-period">{t('report.period', { from: calendarDate(language, fromDate), to: calendarDate(language, toDate) })}</p>
        <p>{t('report.programme', { programme: report.patient.programme })}</p>
        <p data-testid="report-generated">{t('report.generated', { at: clinicDateTime(language, report.generatedAt) })}</p>
      </div>
      <Section id="measures" title={t('report.measures')}>
        {report.measures.length === 0 ? (
          <p>{t('report.noReadings')}</p>
        ) : (
          <Scroll label={t('report.measures')}>
            <DataTable rows={report.measures} columns={measureColumns} caption={t('report.measures')} rowKey={(m) => m.code} testId="report-measures" />
          </Scroll>
        )}
      </Section>
      {report.measures.length > 0 && (
        <Section id="trends" title={t('report.trends')}>
          <div className="trends">
            {report.measures.map((m) => (
              <TrendChart key={m.code} code={m.code} unit={m.unit} points={seriesOf(report.readings, m.code)} from={from} to={to} rules={[]} bucketed={false} />
            ))}
          </div>
        </Section>
      )}
      <Section id="alerts" title={t('report.alerts')}>
        {report.alerts.length === 0 ? (
          <p>{t('report.noAlerts')}</p>
        ) : (
          <Scroll label={t('report.alerts')}>
            <DataTable rows={report.alerts} columns={alertColumns} caption={t('report.alerts')} rowKey={(a) => a.id} testId="report-alerts" />
          </Scroll>
        )}
      </Section>
      <Section id="notes" title={t('report.notes')}>
        {report.notes.length === 0 ? (
          <p>{t('report.noNotes')}</p>
        ) : (
          <ol className="note-list" data-testid="report-notes">
            {report.notes.map((n) => (
              <li key={n.id} className="note">
                <NoteEntry note={n} />
              </li>
            ))}
          </ol>
        )}
      </Section>
      <Section id="readings" title={t('report.readings')}>
        {report.readingsTruncated && <p>{t('report.truncated', { count: report.readings.length })}</p>}
        {report.readings.length === 0 ? (
          <p>{t('report.noReadings')}</p>
        ) : (
          <Scroll label={t('report.readings')}>
            <DataTable rows={report.readings} columns={readingColumns} caption={t('report.readings')} rowKey={(r) => r.measurementId} testId="report-readings" />
          </Scroll>
        )}
      </Section>
    </div>
  );
}

/**
 * A printable report of one patient's period (issue 18), for the GP or a discharge letter:
 * measures, trends, alerts, notes and every reading (an invalidated one struck through with who
 * and why). The period is two calendar dates in Copenhagen, both included.
 */
export function ReportPage({ patientId, from, to }: { patientId: string; from?: string; to?: string }) {
  const { api, t } = useSession();
  const today = localDate(new Date(), CLINIC_TIME_ZONE);
  const toDate = to ?? today;
  const fromDate = from ?? addDays(toDate, -(DEFAULT_DAYS - 1));
  const [draftFrom, setDraftFrom] = useState(fromDate);
  const [draftTo, setDraftTo] = useState(toDate);
  const [error, setError] = useState('');
  const [report, reload] = useResource(
    () =>
      api.get(
        `/api/patients/${encodeURIComponent(patientId)}/report${query({ from: startOfLocalDay(fromDate, CLINIC_TIME_ZONE).toISOString(), to: startOfLocalDay(addDays(toDate, 1), CLINIC_TIME_ZONE).toISOString() })}`,
        PatientReportSchema,
      ),
    [api, patientId, fromDate, toDate],
  );
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const valid = /^\d{4}-\d{2}-\d{2}$/.test(draftFrom) && /^\d{4}-\d{2}-\d{2}$/.test(draftTo) && draftFrom <= draftTo && Date.parse(draftTo) - Date.parse(draftFrom) < REPORT_MAX_DAYS * 86_400_000;
    if (!valid) return setError(t('report.badPeriod'));
    setError('');
    location.hash = href({ page: 'report', patientId, from: draftFrom, to: draftTo });
  };
  const name = report.status === 'ok' ? report.data.patient.displayName : '';
  return (
    <>
      <p className="no-print">
        <a href={href({ page: 'patient', patientId })}>← {t('report.back')}</a>
      </p>
      <h1>{t('report.heading', { id: patientId, name })}</h1>
      <form className="toolbar period-form no-print" onSubmit={submit} noValidate>
        <div className="form-field">
          <label htmlFor="report-from">{t('report.from')}</label>
          <input id="report-from" type="date" value={draftFrom} onChange={(e) => setDraftFrom(e.target.value)} aria-describedby="report-period-error" />
        </div>
        <div className="form-field">
          <label htmlFor="report-to">{t('report.to')}</label>
          <input id="report-to" type="date" value={draftTo} onChange={(e) => setDraftTo(e.target.value)} aria-describedby="report-period-error" />
        </div>
        <button type="submit">{t('report.show')}</button>
        <button type="button" className="secondary" onClick={() => window.print()} disabled={report.status !== 'ok'}>
          {t('report.print')}
        </button>
      </form>
      <p id="report-period-error" role="alert" className="form-error no-print">
        {error}
      </p>
      <Loaded resource={report} retry={reload}>
        {(data) => <ReportBody report={data} fromDate={fromDate} toDate={toDate} />}
      </Loaded>
    </>
  );
}
