import { TELEKOL_SYMPTOM_DIARY, type Today, type TodayActivity } from '@tm/contracts';
import type { OutboxEntry } from '../src/patient/outbox';
import { todayView, waitingAnswers } from '../src/patient/today-model';

/** borger1 (pt-001, TeleKOL) on plan day 9 of the intensive phase, Monday 23 November 2026. */
function activity(overrides: Partial<TodayActivity> & Pick<TodayActivity, 'activity'>): TodayActivity {
  return {
    kind: 'measurement',
    type: null,
    questionnaireId: null,
    timesPerDay: 2,
    timesPerWeek: null,
    expected: 2,
    done: 0,
    complete: false,
    week: { expected: 14, received: 0, met: 0 },
    lastAt: null,
    nextDue: '2026-11-24',
    ...overrides,
  };
}

const oximetry = activity({ activity: 'pulse_oximetry', type: 'pulse_oximetry', done: 1, lastAt: '2026-11-23T07:10:00Z' });
const spirometry = activity({ activity: 'spirometry', type: 'spirometry', done: 2, complete: true });
const diaryActivity = activity({ activity: 'questionnaire:telekol-symptom-diary', kind: 'questionnaire', questionnaireId: 'telekol-symptom-diary', timesPerDay: 1, expected: 1 });

const today = (activities: TodayActivity[]): Today => ({ patientId: 'pt-001', date: '2026-11-23', planDay: 9, timeZone: 'Europe/Copenhagen', activities });

function waiting(authoredAt: string, status: OutboxEntry['status'] = 'waiting'): OutboxEntry {
  return {
    response: { id: `r-${authoredAt}`, questionnaireId: 'telekol-symptom-diary', questionnaireVersion: '1', authoredAt, answers: [{ linkId: 'cough', value: 'usual' }] },
    status,
    queuedAt: authoredAt,
    attempts: 0,
    retryAt: null,
    sentAt: null,
    triage: null,
    error: null,
  };
}

describe("today's plan as the patient reads it", () => {
  it('says in plain Danish what to do, how often and how far the patient is today', () => {
    const view = todayView(today([oximetry, spirometry, diaryActivity]), [TELEKOL_SYMPTOM_DIARY], [], 'da');
    expect(view.due.map((r) => [r.title, r.frequency, r.progress, r.statusText])).toEqual([
      ['Mål din iltmætning og puls', '2 gange om dagen', '1 af 2 i dag', 'Delvist gjort'],
      ['Mål din lungefunktion (pust i måleren)', '2 gange om dagen', '2 af 2 i dag', 'Gjort'],
      ['Svar på spørgsmål: Symptomdagbog (KOL)', '1 gang om dagen', '0 af 1 i dag', 'Mangler'],
    ]);
    expect(view.summary).toBe('Du har gjort 1 af 3 i dag.');
    expect(view.allDone).toBe(false);
  });

  // Reminders of what is due (issue 18): what the app says is missing today, in plain words.
  it.each<[string, TodayActivity[], ReturnType<typeof waiting>[], string[]]>([
    ['a weighing not done', [activity({ activity: 'body_weight', type: 'body_weight', timesPerDay: 1, expected: 1 })], [], ['Du mangler at veje dig i dag.']],
    ['one of two oximetries done: still reminded', [oximetry], [], ['Du mangler at måle din iltmætning og puls i dag.']],
    ['both spirometries done: nothing', [spirometry], [], []],
    ['the diary not answered', [diaryActivity], [], ['Du mangler at svare på spørgsmål i dag: Symptomdagbog (KOL).']],
    ['the diary answered and waiting for the connection: nothing', [diaryActivity], [waiting('2026-11-23T08:30:00Z')], []],
    ['a twice-weekly weighing not due today: nothing', [activity({ activity: 'body_weight', type: 'body_weight', timesPerDay: null, timesPerWeek: 2, expected: 0 })], [], []],
  ])('reminds of %s', (_name, activities, outbox, reminders) => {
    expect(todayView(today(activities), [TELEKOL_SYMPTOM_DIARY], outbox, 'da').reminders).toEqual(reminders);
  });

  it('speaks English when asked', () => {
    const view = todayView(today([diaryActivity]), [TELEKOL_SYMPTOM_DIARY], [], 'en');
    expect(view.due[0]).toMatchObject({ title: 'Answer questions: Symptom diary (COPD)', frequency: 'once a day', statusText: 'Still to do', questionnaireTitle: 'Symptom diary (COPD)' });
  });

  it('counts an answer given today that waits in the browser as done, waiting for the connection', () => {
    const outbox = [waiting('2026-11-23T08:30:00Z')];
    const view = todayView(today([spirometry, diaryActivity]), [TELEKOL_SYMPTOM_DIARY], outbox, 'da');
    expect(view.due[1]).toMatchObject({ status: 'waiting', statusText: 'Besvaret – venter på forbindelse', progress: '1 af 1 i dag', waiting: 1 });
    expect(view.summary).toBe('Du har gjort alt for i dag. Tak!');
    expect(view.allDone).toBe(true);
  });

  it('does not count an answer from yesterday (Danish time), one already sent, or another questionnaire', () => {
    const lateLastNight = waiting('2026-11-22T22:59:00Z'); // 23:59 in Copenhagen on the 22nd
    const justAfterMidnight = waiting('2026-11-22T23:01:00Z'); // 00:01 on the 23rd
    const sent = waiting('2026-11-23T08:00:00Z', 'sent');
    const other = { ...waiting('2026-11-23T08:00:00Z'), response: { ...waiting('2026-11-23T08:00:00Z').response, questionnaireId: 'mmrc' } };
    expect(waitingAnswers([lateLastNight, justAfterMidnight, sent, other], 'telekol-symptom-diary', '2026-11-23', 'Europe/Copenhagen')).toBe(1);
  });

  it('puts a twice-weekly activity that is not due today under "not today", with its next day', () => {
    const weekly = activity({ activity: 'pulse_oximetry', type: 'pulse_oximetry', timesPerDay: null, timesPerWeek: 2, expected: 0, week: { expected: 2, received: 1, met: 1 }, nextDue: '2026-11-26' });
    const view = todayView(today([weekly]), [], [], 'da');
    expect(view.due).toEqual([]);
    expect(view.later[0]).toMatchObject({ frequency: '2 gange om ugen', status: 'not-today', statusText: 'Ikke i dag', nextDue: expect.stringMatching(/^Næste gang: torsdag (den )?26\. november$/), progress: '1 af 2 denne uge' });
    expect(view.summary).toBe('Du skal ikke måle eller svare på noget i dag.');
  });

  it('counts a weekly activity due today over the week', () => {
    const weekly = activity({ activity: 'spirometry', type: 'spirometry', timesPerDay: null, timesPerWeek: 2, expected: 1, done: 0, week: { expected: 2, received: 1, met: 1 } });
    expect(todayView(today([weekly]), [], [], 'en').due[0]).toMatchObject({ status: 'todo', progress: '1 of 2 this week', frequency: '2 times a week' });
  });
});
