import type { CarePlanActivityDetail } from 'fhir/r4';
import type { CareActivity, PatientCarePlan } from '@tm/contracts';
import { PLAN_TIME_ZONE, TELEHJERTE_DEFAULT_PLAN, TELEKOL_DEFAULT_PLAN } from '@tm/rules';
import { activityStatus, carePlanFor, carePlanUuid, type CarePlanInput, timingOf } from './care-plan-mapping';
import { validateBundle, validateR4 } from './r4-validator';
import { searchsetBundle } from './searchset';

/** pt-001's plan as GET /api/patients/pt-001/plan answers it: TeleKOL's default, day 0 Monday 16 November 2026 (09:00 in Copenhagen). */
const view: PatientCarePlan = {
  patientId: 'pt-001',
  programme: 'TeleKOL',
  plan: TELEKOL_DEFAULT_PLAN,
  startedAt: '2026-11-16T08:00:00.000Z',
  version: 1,
  programmeDefault: true,
  changedBy: 'system',
  changedAt: '2026-11-16T08:00:00.000Z',
  today: 9,
  timeZone: PLAN_TIME_ZONE,
};
const input = (patch: Partial<CarePlanInput> = {}): CarePlanInput => ({ view, author: { userId: 'system', displayName: null }, onHold: false, ...patch });
const details = (plan: ReturnType<typeof carePlanFor>): CarePlanActivityDetail[] => (plan.activity ?? []).map((a) => a.detail!);

describe('when a line of the plan is due, as Timing.repeat', () => {
  it.each<[string, CareActivity, string, object]>([
    [
      'twice a day for the first 14 days (TeleKOL)',
      { activity: 'pulse_oximetry', timesPerDay: 2, fromDay: 0, toDay: 13 },
      '2026-11-16',
      { boundsPeriod: { start: '2026-11-16', end: '2026-11-29' }, frequency: 2, period: 1, periodUnit: 'd' },
    ],
    [
      'twice a week from day 14, on the plan week’s days 0 and 3 (Monday and Thursday)',
      { activity: 'pulse_oximetry', timesPerWeek: 2, fromDay: 14 },
      '2026-11-16',
      { boundsPeriod: { start: '2026-11-30' }, frequency: 2, period: 1, periodUnit: 'wk', dayOfWeek: ['mon', 'thu'] },
    ],
    ['three times a week: days 0, 2 and 4', { activity: 'body_weight', timesPerWeek: 3 }, '2026-11-16', { boundsPeriod: { start: '2026-11-16' }, frequency: 3, period: 1, periodUnit: 'wk', dayOfWeek: ['mon', 'wed', 'fri'] }],
    ['once a week from a Thursday', { activity: 'body_weight', timesPerWeek: 1, fromDay: 3 }, '2026-11-16', { boundsPeriod: { start: '2026-11-19' }, frequency: 1, period: 1, periodUnit: 'wk', dayOfWeek: ['thu'] }],
    [
      'twice a week in a plan started on a Saturday: the days wrap into the next calendar week (Saturday, Tuesday)',
      { activity: 'blood_pressure', timesPerWeek: 2 },
      '2026-03-28',
      { boundsPeriod: { start: '2026-03-28' }, frequency: 2, period: 1, periodUnit: 'wk', dayOfWeek: ['tue', 'sat'] },
    ],
    [
      'daily for 14 days across the change to summer time (dates, not instants)',
      { activity: 'blood_pressure', timesPerDay: 1, fromDay: 0, toDay: 13 },
      '2026-03-28',
      { boundsPeriod: { start: '2026-03-28', end: '2026-04-10' }, frequency: 1, period: 1, periodUnit: 'd' },
    ],
  ])('%s', (_name, activity, day0, repeat) => {
    expect(timingOf(activity, day0)).toEqual({ repeat });
  });

  it('counts day 0 from the date in Copenhagen: a plan started at 00:30 Danish time (23:30 UTC the day before) starts that Danish day', () => {
    const late = carePlanFor(input({ view: { ...view, startedAt: '2026-11-15T23:30:00.000Z' } }));
    expect(details(late)[0]?.scheduledTiming?.repeat?.boundsPeriod).toEqual({ start: '2026-11-16', end: '2026-11-29' });
    expect(late.period).toEqual({ start: '2026-11-15T23:30:00.000Z' });
  });
});

describe('the status of each line of the plan', () => {
  const intensive: CareActivity = { activity: 'spirometry', timesPerDay: 2, fromDay: 0, toDay: 13 };
  const maintenance: CareActivity = { activity: 'spirometry', timesPerWeek: 2, fromDay: 14 };
  it.each<[string, CarePlanActivityDetail['status'], CareActivity, number, boolean]>([
    ['the intensive phase on day 9', 'in-progress', intensive, 9, false],
    ['the twice-weekly phase on day 9, still to come', 'scheduled', maintenance, 9, false],
    ['the intensive phase on day 20, over', 'completed', intensive, 20, false],
    ['the twice-weekly phase on day 20', 'in-progress', maintenance, 20, false],
    ['the phase in force while the patient is paused', 'on-hold', maintenance, 20, true],
    ['an ended phase while the patient is paused', 'completed', intensive, 20, true],
    ['any phase before the plan starts (day -2)', 'scheduled', intensive, -2, false],
  ])('%s is %s', (_name, status, activity, today, paused) => {
    expect(activityStatus(activity, today, paused)).toBe(status);
  });
});

describe('the plan in force as an R4 CarePlan', () => {
  it.each([
    ['TeleKOL’s default plan', input()],
    ['TeleHjerte’s default plan', input({ view: { ...view, patientId: 'pt-006', programme: 'TeleHjerte', plan: TELEHJERTE_DEFAULT_PLAN } })],
    ['a plan a nurse changed (version 2)', input({ view: { ...view, version: 2, programmeDefault: false, changedBy: 'demo-nurse' }, author: { userId: 'demo-nurse', displayName: 'Demo Nurse' } })],
    ['the programme default never stored (version 0)', input({ view: { ...view, version: 0, changedBy: null, changedAt: null }, author: { userId: null, displayName: null } })],
    ['a paused patient’s plan', input({ onHold: true })],
  ])('%s validates against the R4 CarePlan definition', (_name, given) => {
    expect(validateR4(carePlanFor(given))).toEqual({ problems: [], unchecked: [] });
  });

  it('is active, a plan, for the patient, from the plan’s start, one activity per line of the plan', () => {
    const plan = carePlanFor(input());
    expect(plan).toMatchObject({
      id: carePlanUuid('pt-001', 1),
      status: 'active',
      intent: 'plan',
      subject: { reference: 'Patient/pt-001' },
      period: { start: '2026-11-16T08:00:00.000Z' },
      created: '2026-11-16T08:00:00.000Z',
      identifier: [{ system: 'urn:telemonitoring:care-plan', value: 'pt-001/1' }],
    });
    expect(plan.activity).toHaveLength(TELEKOL_DEFAULT_PLAN.activities.length);
    expect(plan.replaces).toBeUndefined();
  });

  it('asks for a measurement as a ServiceRequest coded as its Observations are (MDC and LOINC), performed by the patient', () => {
    const [oximetry, , spirometry] = details(carePlanFor(input()));
    expect(oximetry).toMatchObject({ kind: 'ServiceRequest', status: 'in-progress', performer: [{ reference: 'Patient/pt-001' }] });
    expect(oximetry?.code?.coding?.map((c) => [c.system, c.code])).toEqual([
      ['urn:iso:std:iso:11073:10101', '150456'],
      ['http://loinc.org', '59408-5'],
    ]);
    expect(oximetry?.code?.text).toBe('Iltmætning og puls');
    expect(spirometry?.code).toEqual({ text: 'Lungefunktion (spirometri: FEV1, FVC, PEF)' });
    const [weight, , pressure] = details(carePlanFor(input({ view: { ...view, programme: 'TeleHjerte', plan: TELEHJERTE_DEFAULT_PLAN } })));
    expect(weight?.code?.coding?.[1]?.code).toBe('29463-7');
    expect(pressure?.code?.coding?.map((c) => c.code)).toEqual(['150020', '85354-9']);
  });

  it('asks for a questionnaire as a Task instantiating the Questionnaire’s canonical', () => {
    const diary = details(carePlanFor(input())).filter((d) => d.kind === 'Task');
    expect(diary.map((d) => [d.instantiatesCanonical, d.code?.text, d.status])).toEqual([
      [['https://telemonitoring.example/fhir/Questionnaire/telekol-symptom-diary'], 'Symptomdagbog (KOL)', 'in-progress'],
      [['https://telemonitoring.example/fhir/Questionnaire/telekol-symptom-diary'], 'Symptomdagbog (KOL)', 'scheduled'],
    ]);
  });

  it.each([
    [
      'the programme default, written by the platform',
      { userId: 'system', displayName: null },
      { type: 'Device', identifier: { system: 'urn:telemonitoring:user', value: 'system' }, display: 'Telemonitoreringsplatformen (programmets standardplan)' },
    ],
    ['a nurse’s change', { userId: 'demo-nurse', displayName: 'Demo Nurse' }, { type: 'Practitioner', identifier: { system: 'urn:telemonitoring:user', value: 'demo-nurse' }, display: 'Demo Nurse' }],
    ['a change by a user since deleted', { userId: 'gone-1', displayName: null }, { type: 'Practitioner', identifier: { system: 'urn:telemonitoring:user', value: 'gone-1' } }],
  ])('names as author %s', (_name, author, expected) => {
    expect(carePlanFor(input({ author })).author).toEqual(expected);
  });

  it('names the version it replaced by identifier (only the plan in force is exported), and a new UUID per version', () => {
    const third = carePlanFor(input({ view: { ...view, version: 3, programmeDefault: false } }));
    expect(third.replaces).toEqual([{ type: 'CarePlan', identifier: { system: 'urn:telemonitoring:care-plan', value: 'pt-001/2' } }]);
    expect(third.id).not.toBe(carePlanFor(input()).id);
    expect(third.id).toBe(carePlanFor(input({ view: { ...view, version: 3 } })).id);
  });

  it('is on hold while the patient is paused, the phase in force with it', () => {
    const paused = carePlanFor(input({ onHold: true }));
    expect(paused.status).toBe('on-hold');
    expect(details(paused).map((d) => d.status)).toEqual(['on-hold', 'scheduled', 'on-hold', 'scheduled', 'on-hold', 'scheduled']);
  });

  it('validates as the one match of a searchset', () => {
    const bundle = searchsetBundle({ self: 'http://localhost/fhir/CarePlan?patient=pt-001', total: 1, matches: [carePlanFor(input())] });
    expect(validateBundle(bundle)).toEqual({ problems: [], unchecked: [] });
  });
});
