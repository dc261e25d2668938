import { useEffect } from 'react';
import { TodaySchema } from '@tm/contracts';
import { useNow, useSession } from '../shared/context';
import { ContactList } from './contact';
import { formatLongDate, friendlyDateTime } from './format';
import { useKept } from './kept-resource';
import { KeptNote, usePatientData } from './patient-data';
import { patientHref } from './routes';
import { RedExplained } from './red-explained';
import { todayView, type PlanRow, type PlanRowStatus } from './today-model';

/** A shape beside the words, so the state is never told by colour alone (WCAG 1.4.1). */
const MARKS: Record<PlanRowStatus, string> = { done: '✓', waiting: '✓', partly: '◐', todo: '○', 'not-today': '–' };

function PlanItem({ row, timeZone, now }: { row: PlanRow; timeZone: string; now: Date }) {
  const { t, language } = useSession();
  const answered = row.status === 'done' || row.status === 'waiting';
  return (
    <li className={`plan-item plan-${row.status}`} data-testid={`plan-${row.activity}`} data-status={row.status}>
      <span className="plan-mark" aria-hidden="true">
        {MARKS[row.status]}
      </span>
      <div className="plan-body">
        <h3>{row.title}</h3>
        <p className="plan-status">
          <strong>{row.statusText}</strong>
          {row.progress !== null && <> · {row.progress}</>}
        </p>
        <p>{row.frequency}</p>
        {row.nextDue !== null && <p>{row.nextDue}</p>}
        {row.kind === 'measurement' && (
          <p className="muted">
            {t('me.measureHint')}
            {row.lastAt !== null && <> {t('me.lastAt', { when: friendlyDateTime(language, row.lastAt, now, timeZone) })}</>}
          </p>
        )}
        {row.questionnaireId !== null && (
          <p>
            <a className={answered ? 'button-link secondary' : 'button-link'} href={patientHref({ page: 'questionnaire', questionnaireId: row.questionnaireId })}>
              {t(answered ? 'me.answerAgain' : 'me.answer')}
              <span className="visually-hidden">: {row.questionnaireTitle}</span>
            </a>
          </p>
        )}
      </div>
    </li>
  );
}

export function TodayPage() {
  const { api, t, language } = useSession();
  const now = useNow();
  const { definitions, outbox, changes, me, memory } = usePatientData();
  const today = useKept(() => api.get('/api/me/today', TodaySchema), [api, changes], { store: memory, key: 'today' });
  // The day's counts move as readings arrive from the devices at home.
  const { reload } = today;
  useEffect(() => {
    const timer = setInterval(reload, 60_000);
    return () => clearInterval(timer);
  }, [reload]);

  return (
    <>
      <h1>{t('me.today.heading')}</h1>
      <RedExplained />
      <KeptNote kept={today}>
        {(data) => {
          const view = todayView(data, definitions.data ?? [], outbox.entries, language);
          return (
            <>
              <p className="me-date">{formatLongDate(language, data.date)}</p>
              <p>{t('me.today.intro')}</p>
              <p className="me-summary" data-testid="today-summary">
                {view.summary}
              </p>
              {view.reminders.length > 0 && (
                <section className="me-note me-reminders" aria-labelledby="reminders-heading" data-testid="reminders">
                  <h2 id="reminders-heading">{t('me.reminders.heading')}</h2>
                  <ul>
                    {view.reminders.map((text) => (
                      <li key={text}>{text}</li>
                    ))}
                  </ul>
                </section>
              )}
              {view.due.length > 0 && (
                <section aria-labelledby="due-heading">
                  <h2 id="due-heading">{t('me.today.due')}</h2>
                  <ul className="plan-list" data-testid="plan-today">
                    {view.due.map((row) => (
                      <PlanItem key={row.activity} row={row} timeZone={data.timeZone} now={now} />
                    ))}
                  </ul>
                </section>
              )}
              {view.later.length > 0 && (
                <section aria-labelledby="later-heading">
                  <h2 id="later-heading">{t('me.today.later')}</h2>
                  <ul className="plan-list" data-testid="plan-later">
                    {view.later.map((row) => (
                      <PlanItem key={row.activity} row={row} timeZone={data.timeZone} now={now} />
                    ))}
                  </ul>
                </section>
              )}
            </>
          );
        }}
      </KeptNote>
      <section aria-labelledby="call-heading">
        <h2 id="call-heading">{t('me.contact.heading')}</h2>
        <p>{t('me.contact.intro')}</p>
        {me.data !== undefined && <ContactList teams={me.data.careTeams} headingLevel={3} />}
      </section>
    </>
  );
}
