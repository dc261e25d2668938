import { useEffect, useRef, useState, type RefObject } from 'react';
import { CLINIC_TIME_ZONE, CODE_DEFINITIONS, isMeasurementActivity, isObservationCode, ObservationRowSchema, PatientCarePlanSchema, StoredQuestionnaireResponseSchema, type MeasurementType } from '@tm/contracts';
import { z } from 'zod';
import { query } from '../shared/api';
import { useNow, useSession } from '../shared/context';
import { TrendChart } from '../shared/trend-chart';
import { friendlyDateTime } from './format';
import { useKept } from './kept-resource';
import { KeptNote, usePatientData } from './patient-data';
import { answerLabel } from './questionnaire-model';
import { chartCodes, latestByType, patientMeasureName, patientUnit, readingsOf, seriesOf, valueLines } from './readings-model';

const RANGES = [7, 30, 90] as const;
type RangeDays = (typeof RANGES)[number];
const DAY_MS = 86_400_000;

/** The width of an element in CSS pixels, following it as the window changes. */
function useWidth<E extends HTMLElement>(): [RefObject<E | null>, number | undefined] {
  const ref = useRef<E>(null);
  const [width, setWidth] = useState<number | undefined>(undefined);
  useEffect(() => {
    const element = ref.current;
    if (element === null) return;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (box !== undefined) setWidth(box.width);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

function Trends({ rows, types, now }: { rows: z.infer<typeof ObservationRowSchema>[]; types: readonly MeasurementType[]; now: Date }) {
  const { t, language } = useSession();
  const [days, setDays] = useState<RangeDays>(30);
  const [box, width] = useWidth<HTMLDivElement>();
  const from = new Date(now.getTime() - days * DAY_MS);
  const present = new Set(rows.map((r) => r.code));
  const codes = chartCodes(types).filter((c) => present.has(c));
  return (
    <>
      <fieldset className="range-choice">
        <legend>{t('me.readings.range')}</legend>
        {RANGES.map((d) => (
          <label key={d} className="choice">
            <input type="radio" name="range" value={d} checked={days === d} onChange={() => setDays(d)} /> <span>{t(`me.range.${d}`)}</span>
          </label>
        ))}
      </fieldset>
      <div className="me-trends" ref={box}>
        {codes.length === 0 && <p>{t('trend.noData')}</p>}
        {codes.map((code) => (
          <TrendChart
            key={code}
            code={code}
            unit={isObservationCode(code) ? CODE_DEFINITIONS[code].unit : ''}
            unitLabel={patientUnit(language, isObservationCode(code) ? CODE_DEFINITIONS[code].unit : '')}
            title={patientMeasureName(language, code)}
            points={seriesOf(rows, code, from)}
            from={from}
            to={now}
            rules={[]}
            bucketed={false}
            variant="large"
            width={width}
          />
        ))}
      </div>
    </>
  );
}

/** The patient's own answers, newest first, each with what they said. */
function Answers() {
  const { api, t, language } = useSession();
  const { definitions, changes, memory } = usePatientData();
  const now = useNow();
  const responses = useKept(
    () => api.get(`/api/me/questionnaire-responses${query({ from: new Date(Date.now() - 30 * DAY_MS).toISOString() })}`, z.array(StoredQuestionnaireResponseSchema)),
    [api, changes],
    { store: memory, key: 'responses' },
  );
  return (
    <KeptNote kept={responses}>
      {(list) =>
        list.length === 0 ? (
          <p>{t('me.answers.none')}</p>
        ) : (
          <ul className="answer-list" data-testid="my-answers">
            {[...list]
              .reverse()
              .slice(0, 5)
              .map((r) => {
                const definition = definitions.data?.find((d) => d.id === r.questionnaireId);
                return (
                  <li key={r.id}>
                    <details>
                      <summary>
                        {definition?.title[language] ?? r.questionnaireId}, {friendlyDateTime(language, r.authoredAt, now, CLINIC_TIME_ZONE)}
                      </summary>
                      <dl className="answer-values">
                        {r.answers.map((a) => {
                          const item = definition?.items.find((i) => i.linkId === a.linkId);
                          return (
                            <div key={a.linkId}>
                              <dt>{item?.text[language] ?? a.linkId}</dt>
                              <dd>{item ? answerLabel(item, a.value, language) : String(a.value)}</dd>
                            </div>
                          );
                        })}
                      </dl>
                    </details>
                  </li>
                );
              })}
          </ul>
        )
      }
    </KeptNote>
  );
}

export function ReadingsPage() {
  const { api, t, language } = useSession();
  const { changes, memory } = usePatientData();
  const now = useNow(60_000);
  const data = useKept(async () => {
    const to = new Date();
    const [rows, plan] = await Promise.all([
      api.get(`/api/me/observations${query({ from: new Date(to.getTime() - 90 * DAY_MS).toISOString(), to: to.toISOString(), limit: '10000' })}`, z.array(ObservationRowSchema)),
      api.get('/api/me/plan', PatientCarePlanSchema),
    ]);
    const types = [...new Set(plan.plan.activities.map((a) => a.activity).filter(isMeasurementActivity))];
    return { rows, types };
  }, [api, changes], { store: memory, key: 'readings' });

  return (
    <>
      <h1>{t('me.readings.heading')}</h1>
      <KeptNote kept={data}>
        {({ rows, types }) => {
          const latest = latestByType(readingsOf(rows));
          return (
            <>
              <section aria-labelledby="latest-heading">
                <h2 id="latest-heading">{t('me.readings.latest')}</h2>
                {latest.length === 0 ? (
                  <p>{t('me.readings.none')}</p>
                ) : (
                  <ul className="reading-list">
                    {latest.map((r) => (
                      <li key={r.measurementId} className="reading-card" data-testid={`reading-${r.type ?? r.measurementId}`}>
                        <h3>{r.type === null ? r.values.map((v) => patientMeasureName(language, v.code)).join(', ') : t(`me.type.${r.type}`)}</h3>
                        <dl className="reading-values">
                          {valueLines(r, language).map((line) => (
                            <div key={line.name}>
                              <dt>{line.name}</dt>
                              <dd>{line.text}</dd>
                            </div>
                          ))}
                        </dl>
                        <p>{t('me.readings.measured', { when: friendlyDateTime(language, r.measuredAt, now, CLINIC_TIME_ZONE) })}</p>
                        <p className="received" data-testid="received">
                          <span aria-hidden="true">✓ </span>
                          {t('me.readings.received', { when: friendlyDateTime(language, r.receivedAt, now, CLINIC_TIME_ZONE) })}
                        </p>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <section aria-labelledby="trends-heading">
                <h2 id="trends-heading">{t('me.readings.trends')}</h2>
                <Trends rows={rows} types={types.length > 0 ? types : [...new Set(latest.flatMap((r) => (r.type === null ? [] : [r.type])))]} now={now} />
              </section>
            </>
          );
        }}
      </KeptNote>
      <section aria-labelledby="answers-heading">
        <h2 id="answers-heading">{t('me.answers.heading')}</h2>
        <Answers />
      </section>
    </>
  );
}
