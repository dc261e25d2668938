import type { TodayActivity } from '@tm/contracts';
import { dueReminders, reminderText, reminderTimeReached } from './reminders-due';

/** pt-001 (TeleKOL) on Monday 23 November 2026. */
function activity(overrides: Partial<TodayActivity> & Pick<TodayActivity, 'activity'>): TodayActivity {
  return {
    kind: 'measurement',
    type: null,
    questionnaireId: null,
    timesPerDay: 1,
    timesPerWeek: null,
    expected: 1,
    done: 0,
    complete: false,
    week: { expected: 7, received: 0, met: 0 },
    lastAt: null,
    nextDue: '2026-11-24',
    ...overrides,
  };
}

const weight = activity({ activity: 'body_weight', type: 'body_weight' });
const diary = activity({ activity: 'questionnaire:telekol-symptom-diary', kind: 'questionnaire', questionnaireId: 'telekol-symptom-diary' });
const now = new Date('2026-11-23T15:30:00Z');

describe('which reminders are due', () => {
  it.each<[string, TodayActivity[], string[]]>([
    ['a weighing not done', [weight], ['pt-001/body_weight/2026-11-23']],
    ['a weighing done', [{ ...weight, done: 1, complete: true }], []],
    ['one of two oximetries done: the second is still due', [activity({ activity: 'pulse_oximetry', type: 'pulse_oximetry', timesPerDay: 2, expected: 2, done: 1 })], ['pt-001/pulse_oximetry/2026-11-23']],
    ['a twice-weekly item on a day it is not due', [{ ...weight, timesPerDay: null, timesPerWeek: 2, expected: 0 }], []],
    ['the diary not answered, beside a weighing done', [{ ...weight, done: 1 }, diary], ['pt-001/questionnaire:telekol-symptom-diary/2026-11-23']],
  ])('%s', (_name, activities, ids) => {
    expect(dueReminders({ patientId: 'pt-001', date: '2026-11-23', timeZone: 'Europe/Copenhagen', activities }, now).map((r) => r.id)).toEqual(ids);
  });

  it.each([
    ['15:59 in Copenhagen', '2026-11-23T14:59:00Z', 16, false],
    ['16:00 in Copenhagen (15:00 UTC in winter)', '2026-11-23T15:00:00Z', 16, true],
    ['16:00 in Copenhagen in summer (14:00 UTC)', '2026-06-23T14:00:00Z', 16, true],
    ['any time with hour 0', '2026-11-22T23:00:00Z', 0, true],
  ])('the reminder hour at %s (%s), REMINDER_HOUR %i: reached %s', (_name, at, hour, reached) => {
    expect(reminderTimeReached(new Date(at), hour, 'Europe/Copenhagen')).toBe(reached);
  });

  it('says in plain words what to do, naming the questionnaire, never the patient', () => {
    expect(reminderText(weight)).toEqual({ da: 'Husk at veje dig i dag.', en: 'Remember to weigh yourself today.' });
    expect(reminderText(diary)).toEqual({ da: 'Husk at svare på spørgsmålene i dag: Symptomdagbog (KOL).', en: 'Remember to answer the questions today: Symptom diary (COPD).' });
  });
});
