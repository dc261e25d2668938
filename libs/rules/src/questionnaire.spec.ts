import {
  MMRC_DYSPNOEA_SCALE,
  QUESTIONNAIRES,
  QuestionnaireDefinitionSchema,
  QuestionnaireResponseSchema,
  TELEHJERTE_SYMPTOM_DIARY,
  TELEKOL_SYMPTOM_DIARY,
  type AnswerValue,
  type QuestionnaireDefinition,
  type Triage,
} from '@tm/contracts';
import { applyFinding, raisedSeverity } from './lifecycle';
import { ruleLabel } from './messages';
import { questionnaireFinding, responseProblems, scoreResponse, type TriagedResponse } from './questionnaire';

/** A whole diary with every answer at its usual value, then the given ones changed. */
function answers(definition: QuestionnaireDefinition, changed: Record<string, AnswerValue> = {}) {
  const usualOf = (i: QuestionnaireDefinition['items'][number]) => (i.options?.find((o) => o.value === 'usual') ?? i.options?.find((o) => o.triage === 'green'))?.value ?? 0;
  const usual: Record<string, AnswerValue> = Object.fromEntries(definition.items.map((i) => [i.linkId, usualOf(i)]));
  const all = { ...usual, ...changed };
  // an item switched off by the other answers is left out, as the form would
  return definition.items
    .filter((i) => !i.enableWhen || i.enableWhen.answers.includes(all[i.enableWhen.linkId] as AnswerValue))
    .map((i) => ({ linkId: i.linkId, value: all[i.linkId] as AnswerValue }));
}

describe('the questionnaire definitions', () => {
  it.each(QUESTIONNAIRES.map((q) => [q.id, q]))('%s is a valid definition with Danish and English text', (_id, q) => {
    expect(QuestionnaireDefinitionSchema.parse(q)).toBeTruthy();
    for (const item of q.items) {
      expect(item.text.da).not.toEqual(item.text.en);
      for (const o of item.options ?? []) expect(o.label.da.length).toBeGreaterThan(0);
    }
  });

  it('asks the TeleKOL diary about breathlessness, cough, sputum amount and colour, fever and rescue medicine', () => {
    expect(TELEKOL_SYMPTOM_DIARY.items.map((i) => i.linkId)).toEqual(['breathlessness', 'cough', 'sputum-amount', 'sputum-colour', 'fever', 'rescue-medicine']);
  });

  it('asks the TeleHjerte diary about breathlessness, ankle swelling, pillows, dizziness and tiredness', () => {
    expect(TELEHJERTE_SYMPTOM_DIARY.items.map((i) => i.linkId)).toEqual(['breathlessness', 'ankle-swelling', 'pillows', 'dizziness', 'tiredness']);
  });

  it('gives every answer option of the diaries a colour, and each diary at least one red', () => {
    for (const q of [TELEKOL_SYMPTOM_DIARY, TELEHJERTE_SYMPTOM_DIARY]) {
      const colours = q.items.flatMap((i) => (i.options ?? []).map((o) => o.triage));
      expect(colours).toContain('red');
      expect(colours).toContain('green');
    }
  });
});

describe('triage of the TeleKOL symptom diary', () => {
  it.each<[string, Record<string, AnswerValue>, Triage, string[]]>([
    ['all as usual', {}, 'green', []],
    ['better breathing', { breathlessness: 'better' }, 'green', []],
    ['more breathless', { breathlessness: 'worse' }, 'yellow', []],
    ['much more breathless', { breathlessness: 'much-worse' }, 'red', []],
    ['coughing more', { cough: 'more' }, 'yellow', []],
    ['more sputum', { 'sputum-amount': 'more' }, 'yellow', []],
    ['sputum changed colour', { 'sputum-colour': 'changed' }, 'yellow', []],
    ['blood in the sputum', { 'sputum-colour': 'blood' }, 'red', []],
    ['fever', { fever: true }, 'yellow', []],
    ['more reliever', { 'rescue-medicine': 'more' }, 'yellow', []],
    ['reliever not helping', { 'rescue-medicine': 'not-helping' }, 'red', []],
    ['two of three exacerbation signs', { breathlessness: 'worse', 'sputum-amount': 'more' }, 'red', ['exacerbation-signs']],
    ['all three exacerbation signs', { breathlessness: 'worse', 'sputum-amount': 'more', 'sputum-colour': 'changed' }, 'red', ['exacerbation-signs']],
    ['one sign plus cough and fever', { 'sputum-colour': 'changed', cough: 'more', fever: true }, 'yellow', []],
  ])('%s: %s', (_case, changed, triage, combinations) => {
    const given = answers(TELEKOL_SYMPTOM_DIARY, changed);
    expect(responseProblems(TELEKOL_SYMPTOM_DIARY, given)).toEqual([]);
    const scored = scoreResponse(TELEKOL_SYMPTOM_DIARY, given);
    expect(scored.triage).toBe(triage);
    expect(scored.combinations).toEqual(combinations);
    expect(scored.score).toBeNull();
  });

  it('does not ask the colour of sputum the patient does not have', () => {
    const given = answers(TELEKOL_SYMPTOM_DIARY, { 'sputum-amount': 'none' });
    expect(answers(TELEKOL_SYMPTOM_DIARY).map((a) => a.linkId)).toContain('sputum-colour');
    expect(given.map((a) => a.linkId)).not.toContain('sputum-colour');
    expect(responseProblems(TELEKOL_SYMPTOM_DIARY, given)).toEqual([]);
    expect(responseProblems(TELEKOL_SYMPTOM_DIARY, [...given, { linkId: 'sputum-colour', value: 'usual' }])).toEqual([expect.stringMatching(/sputum-colour is not asked/)]);
  });
});

describe('triage of the TeleHjerte symptom diary', () => {
  it.each<[string, Record<string, AnswerValue>, Triage]>([
    ['all as usual', {}, 'green'],
    ['more breathless on exertion', { breathlessness: 'worse' }, 'yellow'],
    ['breathless at rest', { breathlessness: 'at-rest' }, 'red'],
    ['ankles a little more swollen', { 'ankle-swelling': 'more' }, 'yellow'],
    ['legs much more swollen', { 'ankle-swelling': 'much-more' }, 'red'],
    ['more pillows', { pillows: 'more' }, 'yellow'],
    ['woke breathless at night', { pillows: 'woke-breathless' }, 'red'],
    ['dizzy', { dizziness: 'dizzy' }, 'yellow'],
    ['fainted', { dizziness: 'fainted' }, 'red'],
    ['more tired', { tiredness: 'more' }, 'yellow'],
    ['too tired for usual activities', { tiredness: 'much-more' }, 'yellow'],
  ])('%s: %s', (_case, changed, triage) => {
    const given = answers(TELEHJERTE_SYMPTOM_DIARY, changed);
    expect(responseProblems(TELEHJERTE_SYMPTOM_DIARY, given)).toEqual([]);
    expect(scoreResponse(TELEHJERTE_SYMPTOM_DIARY, given).triage).toBe(triage);
  });
});

describe('scores: the mMRC grade (and licensed instruments once carried)', () => {
  it.each([
    // issue 17, item 15 (was green for every grade): grades 3 and 4 are yellow
    [0, 'Less breathless in daily life (mMRC 0–1)', 'green'],
    [1, 'Less breathless in daily life (mMRC 0–1)', 'green'],
    [2, 'More breathless in daily life (mMRC 2 or more)', 'green'],
    [4, 'More breathless in daily life (mMRC 2 or more)', 'yellow'],
  ])('grade %i lands in its band (%s) and is %s', (grade, band, triage) => {
    const scored = scoreResponse(MMRC_DYSPNOEA_SCALE, [{ linkId: 'grade', value: grade }]);
    expect(scored).toMatchObject({ score: grade, triage, band: { label: { en: band } } });
  });

  it('sums item scores into a total whose band sets the colour (a CAT-shaped definition, text not shipped)', () => {
    const item = (linkId: string) => ({
      linkId,
      type: 'choice' as const,
      text: { da: `spørgsmål ${linkId}`, en: `item ${linkId}` },
      options: [0, 1, 2, 3, 4, 5].map((score) => ({ value: score, score, triage: 'green' as const, label: { da: String(score), en: String(score) } })),
    });
    const licensed: QuestionnaireDefinition = QuestionnaireDefinitionSchema.parse({
      id: 'licensed-8-item',
      version: '1',
      title: { da: 'Licenseret skema', en: 'Licensed instrument' },
      programmes: ['TeleKOL'],
      items: ['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8'].map(item),
      scoring: {
        bands: [
          { min: 0, max: 9, triage: 'green', label: { da: 'lav', en: 'low' } },
          { min: 10, max: 20, triage: 'green', label: { da: 'middel', en: 'medium' } },
          { min: 21, max: 30, triage: 'yellow', label: { da: 'høj', en: 'high' } },
          { min: 31, max: 40, triage: 'yellow', label: { da: 'meget høj', en: 'very high' } },
        ],
      },
    });
    const given = ['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8'].map((linkId) => ({ linkId, value: 3 }));
    expect(scoreResponse(licensed, given)).toMatchObject({ score: 24, triage: 'yellow', band: { label: { en: 'high' } } });
  });
});

describe('answers that cannot be stored', () => {
  it.each<[string, { linkId: string; value: AnswerValue }[], RegExp]>([
    ['an unknown item', [...answers(TELEKOL_SYMPTOM_DIARY), { linkId: 'pain', value: 'yes' }], /no item pain/],
    ['a value that is not an option', answers(TELEKOL_SYMPTOM_DIARY, { cough: 'a lot' }), /"a lot" is not one of its answers/],
    ['a boolean given as text', answers(TELEKOL_SYMPTOM_DIARY, { fever: 'true' }), /fever: "true" is not one of/],
    ['an item left out', answers(TELEKOL_SYMPTOM_DIARY).filter((a) => a.linkId !== 'fever'), /fever is not answered/],
    ['an item answered twice', [...answers(TELEKOL_SYMPTOM_DIARY), { linkId: 'cough', value: 'usual' }], /cough is answered twice/],
  ])('%s is refused with a reason', (_case, given, reason) => {
    expect(responseProblems(TELEKOL_SYMPTOM_DIARY, given).join('; ')).toMatch(reason);
  });

  it('takes a client-made id and refuses a response without one', () => {
    const response = { id: 'c1b2a3', questionnaireId: 'mmrc', questionnaireVersion: '1', authoredAt: '2026-03-02T09:00:00+01:00', answers: [{ linkId: 'grade', value: 2 }] };
    expect(QuestionnaireResponseSchema.safeParse(response).success).toBe(true);
    expect(QuestionnaireResponseSchema.safeParse({ ...response, id: undefined }).success).toBe(false);
    expect(QuestionnaireResponseSchema.safeParse({ ...response, answers: [] }).success).toBe(false);
  });
});

describe('a questionnaire answer as a finding for the nurse', () => {
  const triaged = (changed: Record<string, AnswerValue>, id = 'r1', authoredAt = new Date('2026-03-02T08:00:00Z')): TriagedResponse => ({
    id,
    questionnaireId: TELEKOL_SYMPTOM_DIARY.id,
    questionnaireVersion: TELEKOL_SYMPTOM_DIARY.version,
    authoredAt,
    ...scoreResponse(TELEKOL_SYMPTOM_DIARY, answers(TELEKOL_SYMPTOM_DIARY, changed)),
  });

  it('raises a red alert of kind questionnaire, one per patient and questionnaire, that says what worried', () => {
    const finding = questionnaireFinding(TELEKOL_SYMPTOM_DIARY, triaged({ 'sputum-colour': 'blood', cough: 'more' }));
    expect(finding).toMatchObject({
      rule: 'questionnaire-telekol-symptom-diary',
      kind: 'questionnaire',
      severity: 'red',
      messageKey: 'questionnaire.concern',
      messageParams: { questionnaireId: 'telekol-symptom-diary', version: '1', answers: 'sputum-colour=blood;cough=more' },
      message: 'Symptomdagbog (KOL): Blod i slimet; mere hoste end normalt',
      threshold: { rule: 'questionnaire-telekol-symptom-diary', kind: 'questionnaire', questionnaireId: 'telekol-symptom-diary' },
    });
    const command = applyFinding(null, finding, new Date('2026-03-02T08:01:00Z'));
    expect(command.type).toBe('create');
    expect(raisedSeverity(command)).toBe('red');
    expect(ruleLabel('questionnaire-telekol-symptom-diary', 'en')).toBe('Symptom diary (COPD)');
  });

  it('names the combination first when two signs of an exacerbation come together', () => {
    const finding = questionnaireFinding(TELEKOL_SYMPTOM_DIARY, triaged({ breathlessness: 'worse', 'sputum-amount': 'more' }), { locale: 'en' });
    expect(finding.message).toBe('Symptom diary (COPD): At least 2 of 3 signs of a COPD exacerbation: more breathless, more phlegm, phlegm changed colour; more breathless than usual; more phlegm than usual');
  });

  it('folds a repeat into the open alert, and a green answer marks it back in range without resolving it', () => {
    const now = new Date('2026-03-02T09:00:00Z');
    const first = applyFinding(null, questionnaireFinding(TELEKOL_SYMPTOM_DIARY, triaged({ breathlessness: 'much-worse' })), now);
    if (first.type !== 'create') throw new Error('expected create');
    const open = { ...first.alert, id: '1', patientId: 'pt-001' };
    const repeat = applyFinding(open, questionnaireFinding(TELEKOL_SYMPTOM_DIARY, triaged({ cough: 'more' }, 'r2', new Date('2026-03-03T08:00:00Z'))), now);
    expect(repeat).toMatchObject({ type: 'update', alert: { severity: 'red', count: 2 } });
    const fine = applyFinding(open, questionnaireFinding(TELEKOL_SYMPTOM_DIARY, triaged({}, 'r3', new Date('2026-03-04T08:00:00Z'))), now);
    expect(fine).toMatchObject({ type: 'markBackInRange', alert: { status: 'open', backInRange: true } });
  });
});
