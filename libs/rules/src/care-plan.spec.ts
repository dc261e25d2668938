import { CarePlanBodySchema, CarePlanSchema, type CarePlan, type MissingRuleSchema } from '@tm/contracts';
import type { z } from 'zod';
import { adherenceOf, todayOf, type Received } from './adherence';
import { addDays, isoWeekOf, planDayOf, startOfLocalDay } from './plan-calendar';
import { PROGRAMME_PLANS, TELEHJERTE_DEFAULT_PLAN, TELEKOL_DEFAULT_PLAN, type PlanInForce } from './plan-in-force';
import { missingDeadline, overdueActivities, planMissingData } from './plan-missing-data';
import { rulesForPlan } from './plan-rules';
import { dueOn, expectedOn, weekDueOffsets } from './plan-schedule';
import { rulesInForce } from './defaults';

const TZ = 'Europe/Copenhagen';
const HOUR = 3_600_000;
/** Monday 2 March 2026, 09:00 in Copenhagen (CET, +01:00): day 0 of the plans below. */
const START = new Date('2026-03-02T09:00:00+01:00');
const START_DATE = '2026-03-02';
/** A time on plan day `day` at `hour` local time (Copenhagen). */
const at = (day: number, hour = 9) => new Date(startOfLocalDay(addDays(START_DATE, day), TZ).getTime() + hour * HOUR);

const twiceWeekly: CarePlan = { activities: [{ activity: 'pulse_oximetry', timesPerWeek: 2 }] };
const plan = (p: CarePlan): PlanInForce => ({ plan: p, startedAt: START });

describe('calendar days in Copenhagen', () => {
  // localDate and startOfLocalDay (the wall clock, @tm/contracts) are tested in libs/contracts/src/wall-clock.spec.ts.
  it('counts plan days from the local day the plan started', () => {
    expect(planDayOf(START, at(0, 0.5), TZ)).toBe(0);
    expect(planDayOf(START, at(13, 23.5), TZ)).toBe(13);
    expect(planDayOf(START, at(14, 0), TZ)).toBe(14);
    expect(planDayOf(START, at(-1, 23), TZ)).toBe(-1);
  });

  it.each([
    ['2026-03-02', '2026-03-02', 10],
    ['2026-03-08', '2026-03-02', 10],
    ['2026-01-01', '2025-12-29', 1],
    ['2026-12-31', '2026-12-28', 53],
  ])('%s is in the ISO week starting %s (week %i)', (date, weekStart, isoWeek) => {
    expect(isoWeekOf(date)).toEqual({ weekStart, isoWeek });
  });
});

describe('what a plan expects', () => {
  it.each([
    [1, [0]],
    [2, [0, 3]],
    [3, [0, 2, 4]],
    [7, [0, 1, 2, 3, 4, 5, 6]],
  ])('%i times a week falls on days %j of each plan week', (n, offsets) => {
    expect(weekDueOffsets(n)).toEqual(offsets);
  });

  it.each([
    // TeleKOL: twice a day for days 0–13, then twice a week (days 14, 17, 21, 24 ...)
    ['TeleKOL', 'pulse_oximetry', 0, 2],
    ['TeleKOL', 'pulse_oximetry', 13, 2],
    ['TeleKOL', 'pulse_oximetry', 14, 1],
    ['TeleKOL', 'pulse_oximetry', 15, 0],
    ['TeleKOL', 'pulse_oximetry', 17, 1],
    ['TeleKOL', 'pulse_oximetry', 21, 1],
    ['TeleKOL', 'questionnaire:telekol-symptom-diary', 5, 1],
    ['TeleKOL', 'questionnaire:telekol-symptom-diary', 16, 0],
    ['TeleKOL', 'body_weight', 3, 0],
    // TeleHjerte: daily for days 0–13, then twice a week
    ['TeleHjerte', 'body_weight', 0, 1],
    ['TeleHjerte', 'body_weight', 13, 1],
    ['TeleHjerte', 'body_weight', 14, 1],
    ['TeleHjerte', 'blood_pressure', 16, 0],
    ['TeleHjerte', 'questionnaire:telehjerte-symptom-diary', 17, 1],
  ] as const)('%s expects %s on day %i %i times', (programme, activity, day, n) => {
    expect(expectedOn(PROGRAMME_PLANS[programme], activity, day)).toBe(n);
  });

  it('expects nothing before the plan starts', () => {
    expect(dueOn(TELEKOL_DEFAULT_PLAN, -1)).toEqual([]);
  });

  it('lists what is due on a day', () => {
    expect(dueOn(TELEHJERTE_DEFAULT_PLAN, 15)).toEqual([]);
    expect(dueOn(TELEHJERTE_DEFAULT_PLAN, 2)).toEqual([
      { activity: 'body_weight', expected: 1 },
      { activity: 'blood_pressure', expected: 1 },
      { activity: 'questionnaire:telehjerte-symptom-diary', expected: 1 },
    ]);
  });

  it('accepts the programme plans and refuses plans that cannot be read one way', () => {
    expect(CarePlanSchema.safeParse(TELEKOL_DEFAULT_PLAN).success).toBe(true);
    expect(CarePlanSchema.safeParse(TELEHJERTE_DEFAULT_PLAN).success).toBe(true);
    const refused = (activities: unknown[]) => CarePlanBodySchema.safeParse({ activities }).success;
    expect(refused([{ activity: 'pulse_oximetry' }])).toBe(false); // how often?
    expect(refused([{ activity: 'pulse_oximetry', timesPerDay: 1, timesPerWeek: 2 }])).toBe(false);
    expect(refused([{ activity: 'pulse_oximetry', timesPerDay: 1, fromDay: 5, toDay: 4 }])).toBe(false);
    expect(refused([{ activity: 'pulse', timesPerDay: 1 }])).toBe(false);
    expect(refused([{ activity: 'questionnaire:Not An Id', timesPerDay: 1 }])).toBe(false);
    expect(refused([{ activity: 'spirometry', timesPerDay: 1 }, { activity: 'spirometry', timesPerWeek: 2, fromDay: 10 }])).toBe(false); // overlap
    expect(refused([])).toBe(false);
  });
});

describe('adherence: expected vs received per activity, day and week', () => {
  const received = (activity: Received['activity'], ...times: Date[]): Received[] => times.map((t) => ({ activity, at: t }));

  it('counts a twice-daily day as met only up to two, and a weekly plan per week whichever days', () => {
    const p = plan({ activities: [{ activity: 'pulse_oximetry', timesPerDay: 2, toDay: 6 }, { activity: 'pulse_oximetry', timesPerWeek: 2, fromDay: 7 }] });
    const r = [
      ...received('pulse_oximetry', at(0, 8), at(0, 20), at(0, 21)), // three on day 0: two count
      ...received('pulse_oximetry', at(1, 8)), // one of two
      ...received('pulse_oximetry', at(8, 10), at(9, 10)), // week 2: due days 7 and 10, measured 8 and 9: met
    ];
    const { activities, total } = adherenceOf(p, START_DATE, addDays(START_DATE, 13), r, TZ);
    const [ox] = activities;
    expect(ox?.days.slice(0, 3).map((d) => [d.expected, d.received, d.met])).toEqual([
      [2, 3, 2],
      [2, 1, 1],
      [2, 0, 0],
    ]);
    expect(ox?.weeks).toEqual([
      { weekStart: '2026-03-02', isoWeek: 10, expected: 14, received: 4, met: 3 },
      { weekStart: '2026-03-09', isoWeek: 11, expected: 2, received: 2, met: 2 },
    ]);
    expect(total).toEqual({ expected: 16, received: 6, met: 5, fraction: 5 / 16 });
  });

  it('reports every activity of the plan, questionnaires included, and null when nothing was expected', () => {
    const { activities } = adherenceOf(plan(TELEKOL_DEFAULT_PLAN), addDays(START_DATE, -3), addDays(START_DATE, -1), [], TZ);
    expect(activities.map((a) => [a.activity, a.expected, a.fraction])).toEqual([
      ['pulse_oximetry', 0, null],
      ['spirometry', 0, null],
      ['questionnaire:telekol-symptom-diary', 0, null],
    ]);
  });
});

describe("today's plan", () => {
  it('says what is due today, what is done, and when a twice-weekly activity is next due', () => {
    const p = plan(TELEKOL_DEFAULT_PLAN);
    const now = at(15, 12); // a day between the twice-weekly days 14 and 17
    const r: Received[] = [{ activity: 'pulse_oximetry', at: at(14, 9) }];
    const today = todayOf(p, now, r, new Map([['pulse_oximetry', at(14, 9)]]), TZ);
    expect(today.planDay).toBe(15);
    const ox = today.activities.find((a) => a.activity === 'pulse_oximetry');
    expect(ox).toMatchObject({ kind: 'measurement', type: 'pulse_oximetry', timesPerWeek: 2, expected: 0, done: 0, complete: false, nextDue: addDays(START_DATE, 17), lastAt: at(14, 9).toISOString() });
    // ISO week of day 15 (Tue 17 March): plan days 14 and 17 are due in it; one received
    expect(ox?.week).toEqual({ expected: 2, received: 1, met: 1 });
  });

  it('marks today done when the plan’s count has arrived', () => {
    const p = plan(TELEHJERTE_DEFAULT_PLAN);
    const today = todayOf(p, at(2, 18), [{ activity: 'questionnaire:telehjerte-symptom-diary', at: at(2, 8) }], new Map(), TZ);
    expect(today.activities.find((a) => a.kind === 'questionnaire')).toMatchObject({ questionnaireId: 'telehjerte-symptom-diary', expected: 1, done: 1, complete: true, timesPerDay: 1 });
    expect(today.activities.find((a) => a.activity === 'body_weight')).toMatchObject({ expected: 1, done: 0, complete: false });
  });
});

describe('missing data on a twice-weekly plan (days 0 and 3 of each week)', () => {
  const p = plan(twiceWeekly);
  const rule: z.infer<typeof MissingRuleSchema> = { rule: 'missing-pulse-oximetry', kind: 'missing', type: 'pulse_oximetry', afterHours: 96, severity: 'yellow' };
  const severityAt = (lastSeen: Date, now: Date) => planMissingData([rule], p, { pulse_oximetry: lastSeen }, now, START, TZ)[0]?.severity ?? null;

  it.each([
    // measured on day 0: due again on day 3; missing from the end of day 3
    [0, 1, 12, null],
    [0, 2, 23, null],
    [0, 3, 23.9, null],
    [0, 4, 0.1, 'yellow'], // the day after the missed measurement
    // measured on day 3: the next due day is day 7 (the next plan week's day 0)
    [3, 4, 12, null],
    [3, 5, 12, null],
    [3, 6, 12, null],
    [3, 7, 20, null],
    [3, 8, 0.5, 'yellow'],
    // measured on day 1 instead of day 0: still due on day 3
    [1, 3, 22, null],
    [1, 4, 8, 'yellow'],
  ])('measured on day %i: on day %i at %s h the alarm is %s', (measuredDay, nowDay, hour, severity) => {
    expect(severityAt(at(measuredDay, 9), at(nowDay, hour))).toBe(severity);
  });

  it('gives the deadline as the start of the day after the due day', () => {
    expect(missingDeadline(p, 'pulse_oximetry', at(3, 9), TZ)?.toISOString()).toBe(startOfLocalDay(addDays(START_DATE, 8), TZ).toISOString());
    expect(missingDeadline(p, 'body_weight', at(3, 9), TZ)).toBeNull();
  });

  it('says what is missing in the words of the plan, at least every 4 days', () => {
    const [finding] = planMissingData([rule], p, { pulse_oximetry: at(3, 9) }, at(8, 9), START, TZ, { locale: 'en' });
    expect(finding).toMatchObject({ severity: 'yellow', messageKey: 'missing.late', value: 120, unit: 'h', message: 'No pulse oximetry for 120 h (expected at least every 4 days)' });
  });

  it('counts from the start of monitoring when nothing has come yet', () => {
    const never = (now: Date) => planMissingData([rule], p, {}, now, START, TZ)[0];
    expect(never(at(3, 20))).toMatchObject({ severity: null, messageKey: 'missing.awaiting' });
    expect(never(at(4, 1))).toMatchObject({ severity: 'yellow', messageKey: 'missing.lateSinceStart' });
  });

  it('marks the patient overdue (the board’s stale marker) exactly when the alarm comes', () => {
    expect(overdueActivities(p, { pulse_oximetry: at(3, 9) }, at(7, 23), START, TZ)).toEqual([]);
    expect(overdueActivities(p, { pulse_oximetry: at(3, 9) }, at(8, 0.5), START, TZ)).toEqual([{ activity: 'pulse_oximetry', lastAt: at(3, 9), dueBy: startOfLocalDay(addDays(START_DATE, 8), TZ) }]);
  });

  it('clears an alarm for a type the plan no longer expects', () => {
    const [finding] = planMissingData([{ ...rule, type: 'spirometry', rule: 'missing-spirometry' }], p, {}, at(20), START, TZ);
    expect(finding).toMatchObject({ severity: null, messageKey: 'missing.notPlanned' });
  });
});

describe('the rules as the plan shapes them', () => {
  const shaped = (p: CarePlan, day: number) => rulesForPlan(rulesInForce('TeleKOL'), plan(p), at(day), TZ);
  const rule = (rules: ReturnType<typeof shaped>, name: string) => rules.find((r) => r.rule === name);

  it('leaves the programme baselines as they are under the twice-daily phase', () => {
    const rules = shaped(TELEKOL_DEFAULT_PLAN, 3);
    expect(rule(rules, 'spo2-baseline-drop')).toMatchObject({ windowDays: 14, minSamples: 7 });
    expect(rule(rules, 'fev1-baseline-drop')).toMatchObject({ windowDays: 7, minSamples: 5 });
    expect(rule(rules, 'missing-pulse-oximetry')).toMatchObject({ afterHours: 24 });
  });

  it('lets a baseline start on a twice-weekly plan: four weeks, half the expected readings', () => {
    const rules = shaped(TELEKOL_DEFAULT_PLAN, 20);
    expect(rule(rules, 'spo2-baseline-drop')).toMatchObject({ windowDays: 28, minSamples: 4 });
    expect(rule(rules, 'fev1-baseline-drop')).toMatchObject({ windowDays: 28, minSamples: 4 });
    expect(rule(rules, 'missing-pulse-oximetry')).toMatchObject({ afterHours: 96 });
  });

  it('adds a missing-data rule for a measurement the plan asks for and the programme does not watch', () => {
    const rules = shaped({ activities: [...TELEKOL_DEFAULT_PLAN.activities, { activity: 'body_weight', timesPerWeek: 1 }] }, 3);
    expect(rule(rules, 'missing-body-weight')).toMatchObject({ kind: 'missing', type: 'body_weight', afterHours: 168, severity: 'yellow' });
  });
});
