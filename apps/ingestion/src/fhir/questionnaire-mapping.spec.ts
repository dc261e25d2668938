import type { Coding, Extension, QuestionnaireResponse, QuestionnaireResponseItemAnswer } from 'fhir/r4';
import {
  MMRC_DYSPNOEA_SCALE,
  QUESTIONNAIRES,
  TELEHJERTE_SYMPTOM_DIARY,
  TELEKOL_SYMPTOM_DIARY,
  type AnswerValue,
  type QuestionnaireDefinition,
  type StoredQuestionnaireResponse,
} from '@tm/contracts';
import { scoreResponse } from '@tm/rules';
import { questionnaireFor, questionnaireResponseFor, questionnaireResponseUuid } from './questionnaire-mapping';
import { validateBundle, validateR4 } from './r4-validator';
import { searchsetBundle } from './searchset';

const BASE = 'https://telemonitoring.example/fhir';
const EXT = {
  triage: `${BASE}/StructureDefinition/triage`,
  totalScore: `${BASE}/StructureDefinition/total-score`,
  scoreBand: `${BASE}/StructureDefinition/score-band`,
  combination: `${BASE}/StructureDefinition/triage-combination`,
  answerTriage: `${BASE}/StructureDefinition/answer-triage`,
  ordinal: 'http://hl7.org/fhir/StructureDefinition/ordinalValue',
  translation: 'http://hl7.org/fhir/StructureDefinition/translation',
};

/** A response as the platform stores it: answered in the patient's app, scored and triaged by @tm/rules on arrival. */
function stored(definition: QuestionnaireDefinition, answers: Record<string, AnswerValue>, patch: Partial<StoredQuestionnaireResponse> = {}): StoredQuestionnaireResponse {
  const list = Object.entries(answers).map(([linkId, value]) => ({ linkId, value }));
  return {
    id: `resp-${definition.id}`,
    patientId: 'pt-001',
    questionnaireId: definition.id,
    questionnaireVersion: definition.version,
    authoredAt: '2026-11-23T07:15:00Z',
    receivedAt: '2026-11-23T07:15:02.5Z',
    ...scoreResponse(definition, list),
    ...patch,
  };
}

const usualKol = { breathlessness: 'usual', cough: 'usual', 'sputum-amount': 'usual', 'sputum-colour': 'usual', fever: false, 'rescue-medicine': 'usual' };
const usualHeart = { breathlessness: 'usual', 'ankle-swelling': 'usual', pillows: 'usual', dizziness: 'no', tiredness: 'usual' };

const ext = (node: { extension?: Extension[] } | undefined, url: string) => (node?.extension ?? []).filter((e) => e.url === url);
const triageOf = (node: { extension?: Extension[] } | undefined) => ext(node, EXT.triage)[0]?.valueCoding?.code;
const answerOf = (r: QuestionnaireResponse, linkId: string): QuestionnaireResponseItemAnswer | undefined => r.item?.find((i) => i.linkId === linkId)?.answer?.[0];

describe('the platform’s questionnaires as R4 Questionnaires', () => {
  it.each(QUESTIONNAIRES.map((q) => [q.id, q] as const))('%s validates against the R4 Questionnaire definition, with its canonical and version', (_id, definition) => {
    const q = questionnaireFor(definition);
    expect(validateR4(q)).toEqual({ problems: [], unchecked: [] });
    expect(q).toMatchObject({ id: definition.id, url: `${BASE}/Questionnaire/${definition.id}`, version: definition.version, status: 'active', language: 'da', title: definition.title.da });
    expect(q.item?.map((i) => i.linkId)).toEqual(definition.items.map((i) => i.linkId));
  });

  it('codes each option of a choice in the question’s own code system, in Danish, with its colour, and the English as a translation', () => {
    const item = questionnaireFor(TELEKOL_SYMPTOM_DIARY).item?.find((i) => i.linkId === 'sputum-colour');
    expect(item?.answerOption?.map((o) => [o.valueCoding?.code, triageOf(o)])).toEqual([
      ['usual', 'green'],
      ['changed', 'yellow'],
      ['blood', 'red'],
    ]);
    expect(item?.answerOption?.[2]?.valueCoding).toEqual({ system: 'urn:telemonitoring:questionnaire:telekol-symptom-diary:sputum-colour', code: 'blood', display: 'Der er blod i slimet' });
    expect(ext(item?._text, EXT.translation)[0]?.extension).toEqual([
      { url: 'lang', valueCode: 'en' },
      { url: 'content', valueString: 'What colour is the phlegm?' },
    ]);
  });

  it('asks for the phlegm’s colour only when there is phlegm: two enableWhen on coded answers, any of them', () => {
    const item = questionnaireFor(TELEKOL_SYMPTOM_DIARY).item?.find((i) => i.linkId === 'sputum-colour');
    expect(item?.enableBehavior).toBe('any');
    expect(item?.enableWhen?.map((w) => [w.question, w.operator, w.answerCoding?.code])).toEqual([
      ['sputum-amount', '=', 'usual'],
      ['sputum-amount', '=', 'more'],
    ]);
  });

  it('gives the fever question (boolean) no answerOption, as R4 requires, and its answers’ colours as an extension', () => {
    const fever = questionnaireFor(TELEKOL_SYMPTOM_DIARY).item?.find((i) => i.linkId === 'fever');
    expect(fever).toMatchObject({ type: 'boolean', required: true });
    expect(fever?.answerOption).toBeUndefined();
    expect(ext(fever, EXT.answerTriage).map((e) => e.extension?.map((x) => x.valueBoolean ?? x.valueCoding?.code))).toEqual([
      [false, 'green'],
      [true, 'yellow'],
    ]);
  });

  it('carries the mMRC grades as scores (ordinalValue) and the total’s bands on the Questionnaire', () => {
    const q = questionnaireFor(MMRC_DYSPNOEA_SCALE);
    expect(q.item?.[0]?.answerOption?.map((o) => [o.valueCoding?.code, ext(o.valueCoding, EXT.ordinal)[0]?.valueDecimal])).toEqual([
      ['0', 0],
      ['1', 1],
      ['2', 2],
      ['3', 3],
      ['4', 4],
    ]);
    expect(ext(q, EXT.scoreBand).map((b) => b.extension?.find((x) => x.url === 'range')?.valueRange)).toEqual([
      { low: { value: 0 }, high: { value: 1 } },
      { low: { value: 2 }, high: { value: 4 } },
    ]);
  });
});

describe('questionnaire answers as R4 QuestionnaireResponses', () => {
  const cases: Array<[string, StoredQuestionnaireResponse, string, (a: QuestionnaireResponseItemAnswer | undefined) => unknown, unknown, string]> = [
    [
      'blood in the phlegm (TeleKOL diary)',
      stored(TELEKOL_SYMPTOM_DIARY, { ...usualKol, 'sputum-colour': 'blood' }),
      'sputum-colour',
      (a) => a?.valueCoding,
      { system: 'urn:telemonitoring:questionnaire:telekol-symptom-diary:sputum-colour', code: 'blood', display: 'Der er blod i slimet' },
      'red',
    ],
    ['a fever (boolean)', stored(TELEKOL_SYMPTOM_DIARY, { ...usualKol, fever: true }), 'fever', (a) => a?.valueBoolean, true, 'yellow'],
    ['no fever (boolean)', stored(TELEKOL_SYMPTOM_DIARY, usualKol), 'fever', (a) => a?.valueBoolean, false, 'green'],
    [
      'breathless at rest (TeleHjerte diary)',
      stored(TELEHJERTE_SYMPTOM_DIARY, { ...usualHeart, breathlessness: 'at-rest' }),
      'breathlessness',
      (a) => a?.valueCoding?.code,
      'at-rest',
      'red',
    ],
    ['mMRC grade 3 (a score; yellow since issue 17, item 15)', stored(MMRC_DYSPNOEA_SCALE, { grade: 3 }), 'grade', (a) => [a?.valueCoding?.code, ext(a?.valueCoding, EXT.ordinal)[0]?.valueDecimal], ['3', 3], 'yellow'],
  ];

  it.each(cases)('maps %s: valid R4, the answer typed as its item, the answer’s colour beside it', (_name, response, linkId, valueOf, value, triage) => {
    const qr = questionnaireResponseFor(response, QUESTIONNAIRES.find((q) => q.id === response.questionnaireId));
    expect(validateR4(qr)).toEqual({ problems: [], unchecked: [] });
    const answer = answerOf(qr, linkId);
    expect(valueOf(answer)).toEqual(value);
    expect(triageOf(answer)).toBe(triage);
  });

  it('names the questionnaire by canonical and version, the response by its id, the patient as subject, author and source', () => {
    const qr = questionnaireResponseFor(stored(TELEKOL_SYMPTOM_DIARY, usualKol), TELEKOL_SYMPTOM_DIARY);
    expect(qr).toMatchObject({
      id: questionnaireResponseUuid('resp-telekol-symptom-diary'),
      status: 'completed',
      questionnaire: `${BASE}/Questionnaire/telekol-symptom-diary|1`,
      identifier: { system: 'urn:telemonitoring:questionnaire-response', value: 'resp-telekol-symptom-diary' },
      subject: { reference: 'Patient/pt-001' },
      author: { reference: 'Patient/pt-001' },
      source: { reference: 'Patient/pt-001' },
      authored: '2026-11-23T07:15:00Z',
      meta: { lastUpdated: '2026-11-23T07:15:02.5Z' },
      language: 'da',
    });
    expect(qr._questionnaire?.extension?.[0]).toEqual({ url: 'http://hl7.org/fhir/StructureDefinition/display', valueString: 'Symptomdagbog (KOL)' });
    expect(qr.item?.map((i) => i.linkId)).toEqual(TELEKOL_SYMPTOM_DIARY.items.map((i) => i.linkId));
    expect(qr.item?.[0]?.text).toBe(TELEKOL_SYMPTOM_DIARY.items[0]?.text.da);
  });

  it('leaves out a question the answers switched off (no phlegm: no colour)', () => {
    const { 'sputum-colour': _colour, ...answers } = usualKol;
    const qr = questionnaireResponseFor(stored(TELEKOL_SYMPTOM_DIARY, { ...answers, 'sputum-amount': 'none' }), TELEKOL_SYMPTOM_DIARY);
    expect(qr.item?.map((i) => i.linkId)).not.toContain('sputum-colour');
    expect(validateR4(qr).problems).toEqual([]);
  });

  it.each([
    ['all as usual', usualKol, 'green', []],
    ['more breathless', { ...usualKol, breathlessness: 'worse' }, 'yellow', []],
    ['two of the three signs of an exacerbation (each yellow alone)', { ...usualKol, breathlessness: 'worse', 'sputum-amount': 'more' }, 'red', ['exacerbation-signs']],
  ])('carries the response’s colour when %s, and the combination that raised it', (_name, answers, triage, combinations) => {
    const qr = questionnaireResponseFor(stored(TELEKOL_SYMPTOM_DIARY, answers), TELEKOL_SYMPTOM_DIARY);
    expect(ext(qr, EXT.triage)).toEqual([{ url: EXT.triage, valueCoding: { system: 'urn:telemonitoring:triage', code: triage, display: { green: 'Grøn', yellow: 'Gul', red: 'Rød' }[triage] } }]);
    expect(ext(qr, EXT.combination).map((e) => e.valueCoding?.code)).toEqual(combinations);
    if (combinations.length > 0)
      expect(ext(qr, EXT.combination)[0]?.valueCoding).toMatchObject({ system: 'urn:telemonitoring:questionnaire:telekol-symptom-diary:combination', display: expect.stringMatching(/^Mindst 2 af 3 tegn/) });
  });

  it('carries the total score and its band where the questionnaire scores (mMRC), and none where it does not', () => {
    const mmrc = questionnaireResponseFor(stored(MMRC_DYSPNOEA_SCALE, { grade: 2 }), MMRC_DYSPNOEA_SCALE);
    expect(ext(mmrc, EXT.totalScore)).toEqual([{ url: EXT.totalScore, valueDecimal: 2 }]);
    expect(ext(mmrc, EXT.scoreBand)[0]?.extension).toEqual([
      { url: 'range', valueRange: { low: { value: 2 }, high: { value: 4 } } },
      { url: 'label', valueString: 'Mere åndenød i hverdagen (mMRC 2 eller mere)' },
      { url: 'triage', valueCoding: { system: 'urn:telemonitoring:triage', code: 'green', display: 'Grøn' } },
    ]);
    const diary = questionnaireResponseFor(stored(TELEKOL_SYMPTOM_DIARY, usualKol), TELEKOL_SYMPTOM_DIARY);
    expect(ext(diary, EXT.totalScore)).toEqual([]);
    expect(ext(diary, EXT.scoreBand)).toEqual([]);
  });

  it('answers an integer item (a licensed instrument’s shape) with valueInteger and the colour of its band', () => {
    const instrument: QuestionnaireDefinition = {
      id: 'test-integer-scale',
      version: '1',
      title: { da: 'Testskala', en: 'Test scale' },
      programmes: ['TeleKOL'],
      items: [
        {
          linkId: 'points',
          type: 'integer',
          text: { da: 'Point', en: 'Points' },
          min: 0,
          max: 10,
          bands: [
            { min: 0, max: 6, label: { da: 'Lav', en: 'Low' }, triage: 'green' },
            { min: 7, max: 10, label: { da: 'Høj', en: 'High' }, triage: 'yellow' },
          ],
        },
      ],
    };
    const qr = questionnaireResponseFor(stored(instrument, { points: 8 }), instrument);
    expect(answerOf(qr, 'points')).toEqual({ valueInteger: 8, extension: [{ url: EXT.triage, valueCoding: { system: 'urn:telemonitoring:triage', code: 'yellow', display: 'Gul' } }] });
    expect(ext(qr, EXT.totalScore)[0]?.valueDecimal).toBe(8);
    expect(validateR4(qr).problems).toEqual([]);
    const q = questionnaireFor(instrument);
    expect(validateR4(q).problems).toEqual([]);
    expect(q.item?.[0]?.extension?.slice(0, 2)).toEqual([
      { url: 'http://hl7.org/fhir/StructureDefinition/minValue', valueInteger: 0 },
      { url: 'http://hl7.org/fhir/StructureDefinition/maxValue', valueInteger: 10 },
    ]);
  });

  it('keeps the codes and colours of an answer to a version no longer shipped, without texts it cannot know', () => {
    const old = stored(TELEKOL_SYMPTOM_DIARY, { ...usualKol, cough: 'more' }, { questionnaireVersion: '0' });
    const qr = questionnaireResponseFor(old, undefined);
    expect(validateR4(qr).problems).toEqual([]);
    expect(qr.questionnaire).toBe(`${BASE}/Questionnaire/telekol-symptom-diary|0`);
    expect(qr._questionnaire).toBeUndefined();
    expect(answerOf(qr, 'cough')).toEqual({
      valueCoding: { system: 'urn:telemonitoring:questionnaire:telekol-symptom-diary:cough', code: 'more' } satisfies Coding,
      extension: [{ url: EXT.triage, valueCoding: { system: 'urn:telemonitoring:triage', code: 'yellow', display: 'Gul' } }],
    });
    expect(answerOf(qr, 'fever')?.valueBoolean).toBe(false);
    expect(qr.item?.every((i) => i.text === undefined)).toBe(true);
  });

  it('gives the same response the same UUID in every export, and a page of them validates as a searchset', () => {
    const responses = [stored(TELEKOL_SYMPTOM_DIARY, usualKol), stored(MMRC_DYSPNOEA_SCALE, { grade: 1 })];
    const resources = responses.map((r) => questionnaireResponseFor(r, QUESTIONNAIRES.find((q) => q.id === r.questionnaireId)));
    expect(questionnaireResponseFor(responses[0]!, TELEKOL_SYMPTOM_DIARY).id).toBe(resources[0]?.id);
    const bundle = searchsetBundle({ self: 'http://localhost/fhir/QuestionnaireResponse?patient=pt-001', total: 2, matches: resources });
    expect(validateBundle(bundle)).toEqual({ problems: [], unchecked: [] });
  });
});
