import { QUESTIONNAIRES, TELEKOL_SYMPTOM_DIARY, MMRC_DYSPNOEA_SCALE, type Adherence, type StoredQuestionnaireResponse } from '@tm/contracts';
import { TELEKOL_DEFAULT_PLAN } from '@tm/rules';
import { adherenceTable, boardAdherenceText, countText, overdueText } from '../src/nurse/adherence-model';
import { monitoringState } from '../src/nurse/board';
import { describeActivity, draftOf, planOfDraft } from '../src/nurse/care-plan-model';
import { responseGrid, questionnairesToShow } from '../src/nurse/responses-model';
import { friendlyDateTime, telHref } from '../src/patient/format';
import { parsePatientRoute, patientHref } from '../src/patient/routes';
import { patient } from './fixtures';

const now = new Date('2026-03-10T12:00:00Z');

describe('the nurse’s plan editor', () => {
  it('reads the TeleKOL default plan back as the plan it came from', () => {
    expect(planOfDraft(draftOf(TELEKOL_DEFAULT_PLAN))).toEqual({ plan: TELEKOL_DEFAULT_PLAN, problems: [] });
  });

  it('describes each line in the nurse’s words', () => {
    expect(TELEKOL_DEFAULT_PLAN.activities.slice(0, 2).map((a) => describeActivity(a, 'da', QUESTIONNAIRES))).toEqual([
      'Iltmætning og puls: 2 gange om dagen, dag 0–13',
      'Iltmætning og puls: 2 gange om ugen, fra dag 14',
    ]);
    expect(describeActivity({ activity: 'questionnaire:mmrc', timesPerWeek: 1 }, 'en', QUESTIONNAIRES)).toBe('Questionnaire: Breathlessness in daily life (mMRC): once a week');
  });

  it('names the slips before the server does: a missing count, days the wrong way round, two phases on the same days', () => {
    const [first, second] = draftOf(TELEKOL_DEFAULT_PLAN);
    const result = planOfDraft([
      { ...first!, times: '' },
      { ...second!, fromDay: '20', toDay: '15' },
      { ...second!, key: 'x', fromDay: '10', toDay: '' },
    ]);
    expect(result.problems.map((p) => [p.key, p.params])).toEqual([
      ['plan.problem.times', { n: 1, max: 6 }],
      ['plan.problem.order', { n: 2 }],
      ['plan.problem.overlap', { n: 1, m: 3 }],
    ]);
    expect(planOfDraft([]).problems.map((p) => p.key)).toEqual(['plan.problem.empty']);
  });
});

describe('adherence: expected against received by the plan', () => {
  const adherence: Adherence = {
    patientId: 'pt-001',
    from: '2026-11-09',
    to: '2026-11-23',
    timeZone: 'Europe/Copenhagen',
    total: { expected: 20, received: 17, met: 15, fraction: 0.75 },
    activities: [
      {
        activity: 'pulse_oximetry',
        expected: 14,
        received: 13,
        met: 12,
        fraction: 12 / 14,
        days: [],
        weeks: [
          { weekStart: '2026-11-16', isoWeek: 47, expected: 10, received: 10, met: 9 },
          { weekStart: '2026-11-09', isoWeek: 46, expected: 4, received: 3, met: 3 },
        ],
      },
      { activity: 'questionnaire:telekol-symptom-diary', expected: 6, received: 4, met: 3, fraction: 0.5, days: [], weeks: [{ weekStart: '2026-11-16', isoWeek: 47, expected: 6, received: 4, met: 3 }] },
    ],
  };

  it('lays the weeks out oldest first, with a gap where an activity was not planned, and totals per week', () => {
    const table = adherenceTable(adherence);
    expect(table.weeks.map((w) => w.isoWeek)).toEqual([46, 47]);
    expect(table.rows[1]?.weeks[0]).toBeUndefined();
    expect(table.weekTotals).toEqual([
      { expected: 4, received: 3, met: 3 },
      { expected: 16, received: 14, met: 12 },
    ]);
  });

  it('writes a count as "9 af 10 (90 %)", with what came beyond the plan', () => {
    expect(countText({ expected: 10, received: 10, met: 9 }, 'da')).toBe('9 af 10 (90 %) +1 ekstra');
    expect(countText({ expected: 0, received: 0, met: 0 }, 'da')).toBe('ikke planlagt');
    expect(countText(adherence.total, 'en')).toBe('15 of 20 (75 %) +2 extra');
  });

  it('shows the board this week’s total, or a dash before the plan expects anything', () => {
    const week = { patientId: 'pt-001', from: '2026-11-23', to: '2026-11-25', activities: [], overdue: [] };
    expect(boardAdherenceText({ ...week, total: { expected: 10, received: 6, met: 3, fraction: 0.3 } }, 'da')).toBe('3 af 10 (30 %)');
    expect(boardAdherenceText(undefined, 'da')).toBe('–');
    expect(boardAdherenceText({ patientId: 'pt-001', from: '2026-11-23', to: '2026-11-23', activities: [], total: { expected: 0, received: 0, met: 0, fraction: null }, overdue: [] }, 'da')).toBe('–');
  });

  it('marks a patient stale only when the plan says a measurement is overdue', () => {
    const p = patient('pt-001', { lastMeasurementAt: '2026-03-07T08:00:00Z' });
    expect(monitoringState(p, now).kind).toBe('stale');
    expect(monitoringState(p, now, []).kind).toBe('active');
    const overdue = [{ activity: 'spirometry' as const, lastAt: '2026-03-07T08:00:00Z', dueBy: '2026-03-09T23:00:00Z' }];
    expect(monitoringState(p, now, overdue)).toEqual({ kind: 'overdue', overdue });
    expect(overdueText(overdue, 'da')).toBe('Mangler efter planen: spirometri');
    expect(monitoringState({ ...p, pausedUntil: '2026-03-20T00:00:00Z' }, now, overdue).kind).toBe('paused');
  });
});

describe('questionnaire answers on the patient page', () => {
  const response = (id: string, authoredAt: string, answers: Record<string, string | boolean>, triage: 'green' | 'yellow' | 'red', combinations: string[] = []): StoredQuestionnaireResponse => ({
    id,
    patientId: 'pt-001',
    questionnaireId: 'telekol-symptom-diary',
    questionnaireVersion: '1',
    authoredAt,
    receivedAt: authoredAt,
    answers: Object.entries(answers).map(([linkId, value]) => ({ linkId, value, triage: value === 'blood' ? 'red' : value === 'more' ? 'yellow' : 'green', score: null })),
    triage,
    score: null,
    band: null,
    combinations,
  });

  it('shows one row per question, one column per answer oldest first, in the nurse’s short words', () => {
    const grid = responseGrid(
      TELEKOL_SYMPTOM_DIARY,
      [
        response('b', '2026-11-23T08:00:00Z', { breathlessness: 'usual', 'sputum-amount': 'more', 'sputum-colour': 'blood' }, 'red', ['exacerbation-signs']),
        response('a', '2026-11-22T08:00:00Z', { breathlessness: 'usual', 'sputum-amount': 'none' }, 'green'),
      ],
      'da',
    );
    expect(grid.columns.map((c) => [c.id, c.triage])).toEqual([
      ['a', 'green'],
      ['b', 'red'],
    ]);
    const colour = grid.rows.find((r) => r.linkId === 'sputum-colour');
    expect(colour?.cells).toEqual([null, { text: 'Blod i slimet', triage: 'red' }]);
    expect(grid.columns[1]?.combinations[0]).toMatch(/^Mindst 2 af 3 tegn på KOL-forværring/);
    expect(grid.hasCombinations).toBe(true);
    expect(grid.scored).toBe(false);
  });

  it('lists the questionnaires answered or planned, in the definitions’ order', () => {
    expect(questionnairesToShow(QUESTIONNAIRES, [], ['mmrc', 'telekol-symptom-diary']).map((d) => d.id)).toEqual(['telekol-symptom-diary', 'mmrc']);
    expect(questionnairesToShow([MMRC_DYSPNOEA_SCALE], [], [])).toEqual([]);
  });
});

describe('patient app addresses and wording', () => {
  it.each([
    ['', { page: 'today' }],
    ['#/', { page: 'today' }],
    ['#/readings', { page: 'readings' }],
    ['#/contact', { page: 'contact' }],
    ['#/questionnaires/telekol-symptom-diary', { page: 'questionnaire', questionnaireId: 'telekol-symptom-diary' }],
    ['#/patients/pt-002', { page: 'not-found' }],
  ])('%s opens %j', (hash, route) => {
    expect(parsePatientRoute(hash)).toEqual(route);
  });

  it('links back to the page it parses', () => {
    expect(parsePatientRoute(patientHref({ page: 'questionnaire', questionnaireId: 'mmrc' }))).toEqual({ page: 'questionnaire', questionnaireId: 'mmrc' });
  });

  it('says "i dag" and "i går" in Danish time, and dials the care team’s number', () => {
    const at = new Date('2026-11-23T12:00:00Z');
    expect(friendlyDateTime('da', '2026-11-23T07:10:00Z', at, 'Europe/Copenhagen')).toBe('i dag kl. 08.10');
    expect(friendlyDateTime('en', '2026-11-22T18:30:00Z', at, 'Europe/Copenhagen')).toBe('yesterday at 19:30');
    // ICU versions differ on "torsdag den 19." or "torsdag 19." (Node's and Chromium's)
    expect(friendlyDateTime('da', '2026-11-19T07:00:00Z', at, 'Europe/Copenhagen')).toMatch(/^torsdag (den )?19\. november kl\. 08\.00$/);
    expect(telHref('+45 99 99 10 01')).toBe('tel:+4599991001');
  });
});
