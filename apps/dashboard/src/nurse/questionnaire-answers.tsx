import { useState } from 'react';
import { PatientCarePlanSchema, StoredQuestionnaireResponseSchema, questionnaireIdOf, type QuestionnaireDefinition, type StoredQuestionnaireResponse, type Triage } from '@tm/contracts';
import { z } from 'zod';
import { query } from '../shared/api';
import { Loaded } from '../shared/components';
import { TriageBadge } from './triage-badge';
import { useLiveEvents, useResource, useSession } from '../shared/context';
import { formatDateTime, formatNumber } from '../i18n';
import { questionnaireDefinitions } from './questionnaires';
import { questionnairesToShow, responseGrid } from './responses-model';
import { TrendChart } from '../shared/trend-chart';

const DAYS = 90;
const SHAPES: Record<Triage, string> = { red: '▲', yellow: '◆', green: '●' };

function Answers({ definition, responses, from, to }: { definition: QuestionnaireDefinition; responses: readonly StoredQuestionnaireResponse[]; from: Date; to: Date }) {
  const { t, language } = useSession();
  const grid = responseGrid(definition, responses, language);
  const mine = responses.filter((r) => r.questionnaireId === definition.id);
  const latest = grid.columns[grid.columns.length - 1];
  const headingId = `answers-${definition.id}`;
  return (
    <section className="answers" aria-labelledby={headingId} data-testid={`answers-${definition.id}`}>
      <h3 id={headingId}>{definition.title[language]}</h3>
      {latest === undefined ? (
        <p>{t('responses.none')}</p>
      ) : (
        <>
          <p className="patient-facts">
            {t('responses.latest', { when: formatDateTime(language, latest.authoredAt) })}: <TriageBadge triage={latest.triage} />
            {latest.score !== null && (
              <span>
                {t('responses.score')}: {formatNumber(language, latest.score)}
                {latest.band !== null && ` (${latest.band})`}
              </span>
            )}
            <span className="muted">· {t('responses.count', { count: mine.length })}</span>
          </p>
          <div className="table-scroll" role="region" aria-label={t('responses.caption', { title: definition.title[language] })} tabIndex={0}>
            <table className="data-table answer-grid">
              <caption className="visually-hidden">{t('responses.caption', { title: definition.title[language] })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('responses.question')}</th>
                  {grid.columns.map((c) => (
                    <th key={c.id} scope="col">
                      <time dateTime={c.authoredAt}>{formatDateTime(language, c.authoredAt)}</time>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">{t('responses.overall')}</th>
                  {grid.columns.map((c) => (
                    <td key={c.id}>
                      <TriageBadge triage={c.triage} />
                    </td>
                  ))}
                </tr>
                {grid.scored && (
                  <tr>
                    <th scope="row">{t('responses.score')}</th>
                    {grid.columns.map((c) => (
                      <td key={c.id}>
                        {c.score === null ? '–' : formatNumber(language, c.score)}
                        {c.band !== null && <span className="muted"> {c.band}</span>}
                      </td>
                    ))}
                  </tr>
                )}
                {grid.hasCombinations && (
                  <tr>
                    <th scope="row">{t('responses.combinations')}</th>
                    {grid.columns.map((c) => (
                      <td key={c.id} className={c.combinations.length > 0 ? `answer-${c.triage}` : undefined}>
                        {c.combinations.join('; ') || '–'}
                      </td>
                    ))}
                  </tr>
                )}
                {grid.rows.map((row) => (
                  <tr key={row.linkId} data-testid={`answer-row-${row.linkId}`}>
                    <th scope="row">{row.question}</th>
                    {row.cells.map((cell, i) =>
                      cell === null ? (
                        <td key={grid.columns[i]?.id ?? i} className="muted">
                          {t('responses.notAsked')}
                        </td>
                      ) : (
                        <td key={grid.columns[i]?.id ?? i} className={cell.triage === null || cell.triage === 'green' ? undefined : `answer-${cell.triage}`} data-triage={cell.triage ?? undefined}>
                          {cell.triage !== null && <span aria-hidden="true">{SHAPES[cell.triage]} </span>}
                          {cell.text}
                          {cell.triage !== null && cell.triage !== 'green' && <span className="visually-hidden"> ({t(`triage.${cell.triage}`)})</span>}
                        </td>
                      ),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {grid.scored && (
            <TrendChart
              code={`score-${definition.id}`}
              unit=""
              unitLabel={t('responses.score')}
              title={`${definition.title[language]}: ${t('responses.scoreTrend')}`}
              points={mine.flatMap((r) => (r.score === null ? [] : [{ at: r.authoredAt, value: r.score, min: r.score, max: r.score, count: 1 }]))}
              from={from}
              to={to}
              rules={[]}
              bucketed={false}
            />
          )}
        </>
      )}
    </section>
  );
}

/**
 * A patient's questionnaire answers on the patient page (issue 11 item 2): per questionnaire the
 * latest colour and score, the answers of the latest responses side by side so a change is seen
 * along each question, and the score's trend for a questionnaire that scores.
 */
export function QuestionnaireAnswers({ patientId }: { patientId: string }) {
  const { api } = useSession();
  const [tick, setTick] = useState(0);
  const base = `/api/patients/${encodeURIComponent(patientId)}`;
  const [data, reload] = useResource(async () => {
    const to = new Date();
    const from = new Date(to.getTime() - DAYS * 86_400_000);
    const [responses, definitions, plan] = await Promise.all([
      api.get(`${base}/questionnaire-responses${query({ from: from.toISOString() })}`, z.array(StoredQuestionnaireResponseSchema)),
      questionnaireDefinitions(api),
      api.get(`${base}/plan`, PatientCarePlanSchema),
    ]);
    const planned = plan.plan.activities.flatMap((a) => {
      const id = questionnaireIdOf(a.activity);
      return id === null ? [] : [id];
    });
    return { responses, definitions, planned, from, to };
  }, [api, base, tick]);
  // An answer that raises or updates an alert arrives as an alert event.
  useLiveEvents((e) => e.type === 'alert' && e.event.patientId === patientId && e.event.kind === 'questionnaire' && setTick((n) => n + 1));
  return (
    <Loaded resource={data} retry={reload}>
      {({ responses, definitions, planned, from, to }) => (
        <div data-testid="questionnaire-answers">
          {questionnairesToShow(definitions, responses, planned).map((d) => (
            <Answers key={d.id} definition={d} responses={responses} from={from} to={to} />
          ))}
        </div>
      )}
    </Loaded>
  );
}
