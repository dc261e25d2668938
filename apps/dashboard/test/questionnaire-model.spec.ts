import { MMRC_DYSPNOEA_SCALE, TELEKOL_SYMPTOM_DIARY, type QuestionnaireDefinition } from '@tm/contracts';
import { answerLabel, answersToSend, buildResponse, enabledItems, itemProblem, parseWholeNumber, questionCount, unanswered, type Draft } from '../src/patient/questionnaire-model';

const usual = { breathlessness: 'usual', cough: 'usual', 'sputum-amount': 'usual', 'sputum-colour': 'usual', fever: false, 'rescue-medicine': 'usual' };

/** A licensed instrument's shape (an integer item with bands), text made up for the test. */
const scored: QuestionnaireDefinition = {
  id: 'test-scale',
  version: '1',
  title: { da: 'Test', en: 'Test' },
  programmes: ['TeleKOL'],
  items: [{ linkId: 'steps', type: 'integer', min: 0, max: 10, text: { da: 'Hvor mange?', en: 'How many?' } }],
};

describe('the generic questionnaire form', () => {
  it('asks the sputum colour only when the patient coughs up phlegm (enableWhen)', () => {
    expect(enabledItems(TELEKOL_SYMPTOM_DIARY, {}).map((i) => i.linkId)).toEqual(['breathlessness', 'cough', 'sputum-amount', 'fever', 'rescue-medicine']);
    expect(enabledItems(TELEKOL_SYMPTOM_DIARY, { 'sputum-amount': 'more' }).map((i) => i.linkId)).toContain('sputum-colour');
  });

  it('leaves out an answer that a later change made irrelevant', () => {
    const draft = { ...usual, 'sputum-amount': 'none', 'sputum-colour': 'blood' };
    expect(answersToSend(TELEKOL_SYMPTOM_DIARY, draft).map((a) => a.linkId)).toEqual(['breathlessness', 'cough', 'sputum-amount', 'fever', 'rescue-medicine']);
  });

  it('keeps the answers typed as the definition types them (false, numbers) in the definition’s order', () => {
    const response = buildResponse(TELEKOL_SYMPTOM_DIARY, Object.fromEntries(Object.entries({ ...usual, 'sputum-colour': 'blood' }).reverse()), 'id-1', new Date('2026-11-23T08:00:00Z'));
    expect(response).toEqual({
      id: 'id-1',
      questionnaireId: 'telekol-symptom-diary',
      questionnaireVersion: '1',
      authoredAt: '2026-11-23T08:00:00.000Z',
      answers: [
        { linkId: 'breathlessness', value: 'usual' },
        { linkId: 'cough', value: 'usual' },
        { linkId: 'sputum-amount', value: 'usual' },
        { linkId: 'sputum-colour', value: 'blood' },
        { linkId: 'fever', value: false },
        { linkId: 'rescue-medicine', value: 'usual' },
      ],
    });
    expect(buildResponse(MMRC_DYSPNOEA_SCALE, { grade: 2 }, 'id-2', new Date()).answers).toEqual([{ linkId: 'grade', value: 2 }]);
  });

  it('says what is still to answer, and why the patient cannot go on', () => {
    expect(unanswered(TELEKOL_SYMPTOM_DIARY, { breathlessness: 'usual' }).map((i) => i.linkId)).toEqual(['cough', 'sputum-amount', 'fever', 'rescue-medicine']);
    const [breathing] = TELEKOL_SYMPTOM_DIARY.items;
    expect(itemProblem(breathing!, undefined)).toEqual({ key: 'me.q.required' });
    expect(itemProblem(breathing!, 'usual')).toBeNull();
    const [steps] = scored.items;
    expect(itemProblem(steps!, 11)).toEqual({ key: 'me.q.numberRange', params: { min: 0, max: 10 } });
    expect(itemProblem(steps!, 3)).toBeNull();
  });

  it.each([
    ['7', 7],
    [' 12 ', 12],
    ['3,5', undefined],
    ['tre', undefined],
    ['', undefined],
  ])('reads "%s" as %p', (raw, value) => {
    expect(parseWholeNumber(raw)).toBe(value);
  });

  it('shows the chosen option in the patient’s language', () => {
    const fever = TELEKOL_SYMPTOM_DIARY.items.find((i) => i.linkId === 'fever')!;
    expect(answerLabel(fever, true, 'da')).toBe('Ja');
    expect(answerLabel(fever, false, 'en')).toBe('No');
  });

  // The diary's counter (issue 18): it read "3 af 5" and then "4 af 6" once phlegm was answered.
  describe('the question counter counts only what will be asked', () => {
    /** A made-up chain: b only after a = yes, c only after b >= 5, d always. */
    const chain: QuestionnaireDefinition = {
      id: 'test-chain',
      version: '1',
      title: { da: 'Test', en: 'Test' },
      programmes: ['TeleKOL'],
      items: [
        { linkId: 'a', type: 'boolean', text: { da: 'A?', en: 'A?' }, options: [{ value: true, label: { da: 'Ja', en: 'Yes' }, triage: 'green' }, { value: false, label: { da: 'Nej', en: 'No' }, triage: 'green' }] },
        { linkId: 'b', type: 'integer', min: 0, max: 10, text: { da: 'B?', en: 'B?' }, enableWhen: { linkId: 'a', answers: [true] } },
        { linkId: 'c', type: 'integer', min: 0, max: 3, text: { da: 'C?', en: 'C?' }, enableWhen: { linkId: 'b', answers: [5, 6] } },
        { linkId: 'd', type: 'boolean', text: { da: 'D?', en: 'D?' }, options: [{ value: true, label: { da: 'Ja', en: 'Yes' }, triage: 'green' }], enableWhen: { linkId: 'a', answers: [true, false] } },
      ],
    };
    it.each<[string, QuestionnaireDefinition, Draft, { count: number; exact: boolean }]>([
      ['diary, nothing answered yet: at most 6', TELEKOL_SYMPTOM_DIARY, {}, { count: 6, exact: false }],
      ['diary, two answered, phlegm not yet: still at most 6', TELEKOL_SYMPTOM_DIARY, { breathlessness: 'usual', cough: 'usual' }, { count: 6, exact: false }],
      ['diary, phlegm as usual: exactly 6 (colour is asked)', TELEKOL_SYMPTOM_DIARY, { breathlessness: 'usual', cough: 'usual', 'sputum-amount': 'usual' }, { count: 6, exact: true }],
      ['diary, no phlegm: exactly 5 (colour is not asked)', TELEKOL_SYMPTOM_DIARY, { breathlessness: 'usual', cough: 'usual', 'sputum-amount': 'none' }, { count: 5, exact: true }],
      ['diary, no phlegm and an old colour answer: still 5', TELEKOL_SYMPTOM_DIARY, { 'sputum-amount': 'none', 'sputum-colour': 'blood' }, { count: 5, exact: true }],
      ['chain, nothing answered: a, d sure; b, c maybe', chain, {}, { count: 4, exact: false }],
      ['chain, a = no: b and c are never asked', chain, { a: false }, { count: 2, exact: true }],
      ['chain, a = yes: c still depends on b', chain, { a: true }, { count: 4, exact: false }],
      ['chain, a = yes, b = 2: c is not asked', chain, { a: true, b: 2 }, { count: 3, exact: true }],
      ['chain, a = yes, b = 5: all four', chain, { a: true, b: 5 }, { count: 4, exact: true }],
      ['a fixed questionnaire is exact from the start', scored, {}, { count: 1, exact: true }],
    ])('%s', (_name, definition, draft, expected) => {
      expect(questionCount(definition, draft)).toEqual(expected);
    });

    it('never grows as the diary is answered in order, whatever the answers', () => {
      for (const amount of ['none', 'usual', 'more']) {
        const answers: Array<[string, string | boolean]> = [['breathlessness', 'usual'], ['cough', 'usual'], ['sputum-amount', amount], ['sputum-colour', 'usual'], ['fever', false], ['rescue-medicine', 'usual']];
        let draft: Draft = {};
        let previous = questionCount(TELEKOL_SYMPTOM_DIARY, draft).count;
        for (const [linkId, value] of answers) {
          if (!enabledItems(TELEKOL_SYMPTOM_DIARY, draft).some((i) => i.linkId === linkId)) continue;
          draft = { ...draft, [linkId]: value };
          const now = questionCount(TELEKOL_SYMPTOM_DIARY, draft);
          expect(now.count).toBeLessThanOrEqual(previous);
          previous = now.count;
        }
        expect(questionCount(TELEKOL_SYMPTOM_DIARY, draft)).toEqual({ count: enabledItems(TELEKOL_SYMPTOM_DIARY, draft).length, exact: true });
      }
    });
  });
});
