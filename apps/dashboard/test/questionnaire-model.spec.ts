import { MMRC_DYSPNOEA_SCALE, TELEKOL_SYMPTOM_DIARY, type QuestionnaireDefinition } from '@tm/contracts';
import { answerLabel, answersToSend, buildResponse, enabledItems, itemProblem, parseWholeNumber, unanswered } from '../src/patient/questionnaire-model';

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
});
