import { useRef, useState, useEffect } from 'react';
import { AdherenceSchema } from '@tm/contracts';
import { adherenceLevel, adherenceTable, countText } from './adherence-model';
import { activityName } from './care-plan-model';
import { Loaded } from '../shared/components';
import { useLiveEvents, useResource, useSession } from '../shared/context';
import { formatDate } from '../i18n';
import { questionnaireDefinitions } from './questionnaires';

/**
 * Expected vs received per activity of the plan and per calendar week, the last four weeks, on the
 * patient page: the nurse sees at a glance that the diary was answered 3 of 7 days last week.
 */
export function AdherenceView({ patientId, planChanges }: { patientId: string; planChanges: number }) {
  const { api, t, language } = useSession();
  const [tick, setTick] = useState(0);
  const [data, reload] = useResource(async () => {
    const [adherence, definitions] = await Promise.all([api.get(`/api/patients/${encodeURIComponent(patientId)}/adherence`, AdherenceSchema), questionnaireDefinitions(api)]);
    return { adherence, definitions };
  }, [api, patientId, planChanges, tick]);
  // New readings and answers count at once; a burst of them costs one refetch.
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useLiveEvents((e) => {
    if (e.event.patientId !== patientId || (e.type === 'alert' && e.event.kind !== 'questionnaire')) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setTick((n) => n + 1), 1000);
  });
  return (
    <Loaded resource={data} retry={reload}>
      {({ adherence, definitions }) => {
        const table = adherenceTable(adherence);
        if (table.rows.length === 0 || adherence.total.expected + adherence.total.received === 0) return <p>{t('adherence.none')}</p>;
        const cell = (count: Parameters<typeof countText>[0] | undefined, key: string) =>
          count === undefined ? (
            <td key={key}>–</td>
          ) : (
            <td key={key} className={`level-${adherenceLevel(count)}`}>
              {countText(count, language)}
            </td>
          );
        return (
          <div className="table-scroll" role="region" aria-label={t('patient.adherence')} tabIndex={0}>
            <table className="data-table adherence" data-testid="adherence">
              <caption>{t('adherence.caption', { from: formatDate(language, `${adherence.from}T12:00:00Z`), to: formatDate(language, `${adherence.to}T12:00:00Z`) })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('adherence.activity')}</th>
                  {table.weeks.map((w) => (
                    <th key={w.weekStart} scope="col">
                      {t('adherence.week', { week: String(w.isoWeek) })}
                    </th>
                  ))}
                  <th scope="col">{t('adherence.total')}</th>
                </tr>
              </thead>
              <tbody>
                {table.rows.map((row) => (
                  <tr key={row.activity} data-testid={`adherence-${row.activity}`}>
                    <th scope="row">{activityName(row.activity, language, definitions)}</th>
                    {row.weeks.map((w, i) => cell(w, table.weeks[i]?.weekStart ?? String(i)))}
                    {cell(row.total, 'total')}
                  </tr>
                ))}
                <tr>
                  <th scope="row">{t('adherence.all')}</th>
                  {table.weekTotals.map((w, i) => cell(w, table.weeks[i]?.weekStart ?? String(i)))}
                  {cell(table.total, 'total')}
                </tr>
              </tbody>
            </table>
          </div>
        );
      }}
    </Loaded>
  );
}
