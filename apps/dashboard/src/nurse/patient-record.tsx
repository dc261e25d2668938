import { useEffect, useState } from 'react';
import { CODE_DEFINITIONS, isObservationCode, MANUAL_DEVICE_ID, ObservationRowSchema, TrendBucketSchema, type Alert, type Programme, type ThresholdRule } from '@tm/contracts';
import { z } from 'zod';
import { isNotFound, query, type Api } from '../shared/api';
import { AdherenceView } from './adherence';
import { overdueText } from './adherence-model';
import { useAdherenceSummaries } from './adherence-summaries';
import { AlertList } from './alerts';
import { alertText } from './alert-text';
import { boardTriage, monitoringState, patientAlertOrder, triageAlert, upsertAlert } from './board';
import { defaultResolution, RANGES, rangeStart, type RangeKey, type Resolution } from '../shared/chart';
import { CarePlanEditor } from './care-plan';
import { CareWorkSections } from './care-work';
import { DischargeSection } from './discharge';
import { Field, Loaded } from '../shared/components';
import { DataTable, type Column } from '../shared/data-table';
import { TriageBadge } from './triage-badge';
import { useLiveEvents, useNow, useResource, useSession } from '../shared/context';
import { formatDateTime, formatNumber } from '../i18n';
import { useLiveAlerts } from './live-alerts';
import { QuestionnaireAnswers } from './questionnaire-answers';
import { RecentReadings } from './readings';
import { AlertListSchema, PatientListSchema } from './schemas';
import { href } from '../shared/routes';
import { duration, timeAgo } from '../shared/time';
import { ThresholdEditor } from './thresholds';
import { TrendChart, type SeriesPoint } from '../shared/trend-chart';

/** The measures charted for each programme, in the order a clinician reads them. */
const PROGRAMME_MEASURES: Record<Programme, string[]> = {
  TeleKOL: ['59408-5', '8867-4', '20150-9', '19935-6'],
  TeleHjerte: ['29463-7', '8480-6', '8462-4', '8867-4'],
};

/** Device and gateway status as ingestion reports it (not yet in @tm/contracts). */
const DeviceStatusSchema = z.object({
  deviceId: z.string(),
  deviceModel: z.string().nullish(),
  gatewayId: z.string().nullish(),
  battery: z.number().nullish(),
  lastSeen: z.string().nullish(),
  gatewayState: z.enum(['online', 'offline']).nullish(),
});
const DeviceListSchema = z.array(DeviceStatusSchema);
type Device = z.infer<typeof DeviceStatusSchema>;

async function loadSeries(api: Api, patientId: string, code: string, resolution: Resolution, from: Date, to: Date): Promise<SeriesPoint[]> {
  const base = `/api/patients/${encodeURIComponent(patientId)}`;
  const window = { code, from: from.toISOString(), to: to.toISOString() };
  if (resolution === 'raw') {
    const rows = await api.get(`${base}/observations${query(window)}`, z.array(ObservationRowSchema));
    return rows.map((r) => ({ at: r.measuredAt, value: r.value, min: r.value, max: r.value, count: 1 }));
  }
  const buckets = await api.get(`${base}/trends${query({ ...window, bucket: resolution })}`, z.array(TrendBucketSchema));
  return buckets.map((b) => ({ at: b.bucket, value: b.avg, min: b.min, max: b.max, count: b.count }));
}

function Trends({ patientId, programme, rules }: { patientId: string; programme: Programme; rules: readonly ThresholdRule[] }) {
  const { api, t } = useSession();
  const [range, setRange] = useState<RangeKey>('1m');
  const [resolution, setResolution] = useState<Resolution>(defaultResolution('1m'));
  const [tick, setTick] = useState(0);
  const codes = PROGRAMME_MEASURES[programme];
  const [series, reload] = useResource(async () => {
    const to = new Date();
    const from = rangeStart(range, to);
    const all = await Promise.all(codes.map((code) => loadSeries(api, patientId, code, resolution, from, to)));
    return { from, to, all };
  }, [api, patientId, range, resolution, codes, tick]);
  // New readings for this patient refresh the charts.
  useLiveEvents((e) => e.type === 'observation' && e.event.patientId === patientId && setTick((n) => n + 1));
  const ranges = Object.keys(RANGES) as RangeKey[];
  const resolutions: Resolution[] = ['raw', '1h', '1d', '1w'];
  return (
    <>
      <div className="toolbar">
        <Field label={t('trend.range')}>
          {(id) => (
            <select
              id={id}
              value={range}
              onChange={(e) => {
                const next = ranges.find((r) => r === e.target.value) ?? '1m';
                setRange(next);
                setResolution(defaultResolution(next));
              }}
            >
              {ranges.map((r) => (
                <option key={r} value={r}>
                  {t(`trend.range.${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('trend.resolution')}>
          {(id) => (
            <select id={id} value={resolution} onChange={(e) => setResolution(resolutions.find((r) => r === e.target.value) ?? '1d')}>
              {resolutions.map((r) => (
                <option key={r} value={r}>
                  {t(`trend.resolution.${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Loaded resource={series} retry={reload}>
        {({ from, to, all }) => (
          <div className="trends">
            {codes.map((code, i) => (
              <TrendChart
                key={code}
                code={code}
                unit={isObservationCode(code) ? CODE_DEFINITIONS[code].unit : ''}
                points={all[i] ?? []}
                from={from}
                to={to}
                rules={rules}
                bucketed={resolution !== 'raw'}
              />
            ))}
          </div>
        )}
      </Loaded>
    </>
  );
}

function Devices({ patientId }: { patientId: string }) {
  const { api, t, language } = useSession();
  const now = useNow();
  const [devices, reload] = useResource(async () => {
    try {
      // readings typed in by hand are stored under a pseudo device; it has no battery or gateway to watch
      return (await api.get(`/api/patients/${encodeURIComponent(patientId)}/devices`, DeviceListSchema)).filter((d) => d.deviceId !== MANUAL_DEVICE_ID);
    } catch (e) {
      if (isNotFound(e)) return [];
      throw e;
    }
  }, [api, patientId]);
  const deviceColumns: Column<Device>[] = [
    { key: 'device', header: t('device.device'), cell: (d) => d.deviceId },
    { key: 'model', header: t('device.model'), cell: (d) => d.deviceModel ?? '–' },
    {
      key: 'battery',
      header: t('device.battery'),
      cell: (d) => (d.battery == null ? '–' : `${formatNumber(language, d.battery)} %`),
      className: (d) => (d.battery != null && d.battery < 20 ? 'warn' : undefined),
    },
    { key: 'lastSeen', header: t('device.lastSeen'), cell: (d) => (d.lastSeen == null ? '–' : <time dateTime={d.lastSeen}>{timeAgo(language, d.lastSeen, now)}</time>) },
    { key: 'gateway', header: t('device.gateway'), cell: (d) => d.gatewayId ?? '–' },
    {
      key: 'gatewayState',
      header: t('device.gatewayState'),
      cell: (d) => (d.gatewayState == null ? '–' : <span className={`flag flag-${d.gatewayState}`}>{t(d.gatewayState === 'online' ? 'device.online' : 'device.offline')}</span>),
    },
  ];
  return (
    <Loaded resource={devices} retry={reload}>
      {(list) =>
        list.length === 0 ? (
          <p>{t('device.none')}</p>
        ) : (
          // six columns do not fit a phone: the table scrolls in its own region, which the keyboard reaches
          <div className="table-scroll" role="region" aria-label={t('patient.devices')} tabIndex={0}>
            <DataTable rows={list} columns={deviceColumns} caption={t('patient.devices')} rowKey={(d) => d.deviceId} testId="devices" />
          </div>
        )
      }
    </Loaded>
  );
}

/** The patient's alerts: open first, then acknowledged, then resolved. */
function PatientAlerts({ patientId }: { patientId: string }) {
  const { api } = useSession();
  const live = useLiveAlerts();
  const [alerts, reload, update] = useResource(() => api.get(`/api/alerts${query({ patientId })}`, AlertListSchema), [api, patientId]);
  const onChanged = (a: Alert): void => update((list) => upsertAlert(list, a));
  useLiveEvents((e) => e.type === 'alert' && e.event.patientId === patientId && onChanged(e.event));
  return (
    <Loaded resource={alerts} retry={reload}>
      {(list) => (
        <AlertList
          alerts={patientAlertOrder(list, live.reraised)}
          onChanged={(a) => {
            onChanged(a);
            live.apply(a);
          }}
        />
      )}
    </Loaded>
  );
}

export function PatientRecord({ patientId }: { patientId: string }) {
  const { api, t, language } = useSession();
  const live = useLiveAlerts();
  const now = useNow();
  // the one patient (by id, also when discharged), not the whole board
  const [patients, reload] = useResource(() => api.get(`/api/patients${query({ q: patientId, discharged: 'any' })}`, PatientListSchema), [api, patientId]);
  const [rules, setRules] = useState<ThresholdRule[]>([]);
  const [planChanges, setPlanChanges] = useState(0);
  const adherence = useAdherenceSummaries([patientId]);
  const { rememberPatients } = live;
  useEffect(() => {
    if (patients.status === 'ok') rememberPatients(patients.data);
  }, [patients, rememberPatients]);
  return (
    <>
      <p>
        <a href={href({ page: 'board' })}>← {t('patient.back')}</a>
      </p>
      <Loaded resource={patients} retry={reload}>
        {(list) => {
          const patient = list.find((p) => p.id === patientId);
          if (patient === undefined)
            return (
              <>
                <h1>{t('patient.heading', { id: patientId })}</h1>
                <p role="alert">{t('patient.unknown')}</p>
              </>
            );
          const state = monitoringState(patient, now, adherence?.get(patient.id)?.overdue);
          const reason = triageAlert(patient, live.alerts.status === 'ok' ? live.alerts.data : [], live.reraised);
          const reasonText = reason !== undefined ? alertText(reason, language) : (patient.triageReason ?? '');
          return (
            <>
              <h1>
                {t('patient.heading', { id: patient.id })} <span className="subtle">{patient.displayName}</span>
              </h1>
              <p className="patient-facts">
                <TriageBadge triage={boardTriage(patient)} /> {reasonText} · {t('patient.programme')}: {patient.programme}
                {patient.lastMeasurementAt !== null && ` · ${t('board.lastMeasurement')}: ${timeAgo(language, patient.lastMeasurementAt, now)}`}
                {state.kind === 'paused' && <span className="flag flag-paused">{t('board.paused', { date: formatDateTime(language, state.until) })}</span>}
                {patient.dischargedAt && (
                  <span className="flag flag-paused" data-testid="discharged">
                    {t('board.discharged', { date: formatDateTime(language, patient.dischargedAt) })}
                  </span>
                )}
                {state.kind === 'stale' && <span className="flag flag-stale">{t('board.stale', { ago: duration(language, state.silentForMs) })}</span>}
                {state.kind === 'overdue' && <span className="flag flag-stale">{overdueText(state.overdue, language)}</span>}
                {state.kind === 'no-data' && <span className="flag flag-stale">{t('board.noData')}</span>}
              </p>
              <p>
                <a href={href({ page: 'report', patientId: patient.id })} data-testid="report-link">
                  {t('report.open')}
                </a>
              </p>
              <section aria-labelledby="alerts-heading">
                <h2 id="alerts-heading">{t('patient.alerts')}</h2>
                <PatientAlerts patientId={patient.id} />
              </section>
              <CareWorkSections patientId={patient.id} />
              <section aria-labelledby="readings-heading">
                <h2 id="readings-heading">{t('readings.heading')}</h2>
                <RecentReadings patientId={patient.id} />
              </section>
              <section aria-labelledby="questionnaires-heading">
                <h2 id="questionnaires-heading">{t('patient.questionnaires')}</h2>
                <QuestionnaireAnswers patientId={patient.id} />
              </section>
              <section aria-labelledby="trends-heading">
                <h2 id="trends-heading">{t('patient.trends')}</h2>
                <Trends patientId={patient.id} programme={patient.programme} rules={rules} />
              </section>
              <section aria-labelledby="adherence-heading">
                <h2 id="adherence-heading">{t('patient.adherence')}</h2>
                <AdherenceView patientId={patient.id} planChanges={planChanges} />
              </section>
              <section aria-labelledby="plan-heading">
                <h2 id="plan-heading">{t('patient.plan')}</h2>
                <CarePlanEditor patientId={patient.id} onSaved={() => setPlanChanges((n) => n + 1)} />
              </section>
              <section aria-labelledby="devices-heading">
                <h2 id="devices-heading">{t('patient.devices')}</h2>
                <Devices patientId={patient.id} />
              </section>
              <section aria-labelledby="thresholds-heading">
                <h2 id="thresholds-heading">{t('patient.thresholds')}</h2>
                <ThresholdEditor patientId={patient.id} onRules={setRules} />
              </section>
              {!patient.dischargedAt && <DischargeSection patientId={patient.id} onDischarged={reload} />}
            </>
          );
        }}
      </Loaded>
    </>
  );
}

