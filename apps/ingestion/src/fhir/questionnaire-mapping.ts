/**
 * The platform's questionnaires and the patients' answers as FHIR R4 Questionnaire and
 * QuestionnaireResponse. Pure functions: no I/O, no clock.
 *
 * - Questionnaire: one per definition in @tm/contracts (the contracts' shape is close to R4 on
 *   purpose): Danish text with the English as the R4 `translation` extension, `answerOption` as
 *   Codings of a code system per question, each option's colour and score on it.
 * - QuestionnaireResponse: status completed, `questionnaire` the definition's canonical with the
 *   version answered, `identifier` the response id the patient's app made, one item per answer:
 *   `valueCoding` (choice; code = the option value, display its Danish label), `valueBoolean` or
 *   `valueInteger`.
 * - Triage is content, not workflow: the colour the platform gave each answer and the whole
 *   response is what the nurse acts on, and a receiver must not drop it, so it is an extension
 *   (per answer and on the response) and not `meta.tag` (tags "are not considered part of the
 *   resource content", may be changed without a new version, and cannot sit on an answer). The
 *   combinations that raised the colour, the total score and its band are extensions beside it;
 *   an option's score is R4's `ordinalValue` on its Coding.
 */
import type { Coding, Element, Extension, Questionnaire, QuestionnaireItem as FhirItem, QuestionnaireItemEnableWhen, QuestionnaireResponse, QuestionnaireResponseItem, QuestionnaireResponseItemAnswer } from 'fhir/r4';
import type { AnswerOption, AnswerValue, LocalizedText, QuestionnaireDefinition, QuestionnaireItem, ScoreBand, StoredQuestionnaireResponse, Triage } from '@tm/contracts';
import { answerSystem, CARE_SYSTEM, combinationSystem, EXTENSION, questionnaireCanonical, TRIAGE_DISPLAY } from './terminology';
import { uuidFromName } from './uuid';

/** The language of every text the resources carry; English travels as a translation. */
export const RESOURCE_LANGUAGE = 'da';

export const questionnaireResponseUuid = (responseId: string): string => uuidFromName(`questionnaire-response/${responseId}`);

export const triageCoding = (triage: Triage): Coding => ({ system: CARE_SYSTEM.triage, code: triage, display: TRIAGE_DISPLAY[triage] });
const triageExtension = (triage: Triage): Extension => ({ url: EXTENSION.triage, valueCoding: triageCoding(triage) });

/** A Danish string element's English twin, as the R4 translation extension on `_<element>`. */
const english = (text: LocalizedText): Element => ({
  extension: [{ url: EXTENSION.translation, extension: [{ url: 'lang', valueCode: 'en' }, { url: 'content', valueString: text.en }] }],
});

export function scoreBandExtension(band: ScoreBand): Extension {
  return {
    url: EXTENSION.scoreBand,
    extension: [
      { url: 'range', valueRange: { low: { value: band.min }, high: { value: band.max } } },
      { url: 'label', valueString: band.label.da },
      { url: 'triage', valueCoding: triageCoding(band.triage) },
    ],
  };
}

/** An option as a Coding: the question's code system, the value as code, the Danish label; its score as ordinalValue. */
function optionCoding(questionnaireId: string, linkId: string, value: AnswerValue, option: AnswerOption | undefined, score: number | null | undefined): Coding {
  const coding: Coding = { system: answerSystem(questionnaireId, linkId), code: String(value) };
  if (option) coding.display = option.label.da;
  if (score !== null && score !== undefined) coding.extension = [{ url: EXTENSION.ordinalValue, valueDecimal: score }];
  return coding;
}

// ---- Questionnaire -------------------------------------------------------------------------

/** `telekol-symptom-diary` -> `TelekolSymptomDiary` (Questionnaire.name is for machines). */
const computableName = (id: string): string =>
  id
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

function enableWhenOf(definition: QuestionnaireDefinition, item: QuestionnaireItem): QuestionnaireItemEnableWhen[] {
  if (!item.enableWhen) return [];
  const { linkId, answers } = item.enableWhen;
  const asked = definition.items.find((i) => i.linkId === linkId);
  return answers.map((value): QuestionnaireItemEnableWhen => {
    if (asked?.type === 'boolean' && typeof value === 'boolean') return { question: linkId, operator: '=', answerBoolean: value };
    if (asked?.type === 'integer' && typeof value === 'number') return { question: linkId, operator: '=', answerInteger: value };
    return { question: linkId, operator: '=', answerCoding: { system: answerSystem(definition.id, linkId), code: String(value) } };
  });
}

function questionnaireItem(definition: QuestionnaireDefinition, item: QuestionnaireItem): FhirItem {
  const out: FhirItem = { linkId: item.linkId, text: item.text.da, _text: english(item.text), type: item.type, required: item.required !== false };
  const extension: Extension[] = [];
  switch (item.type) {
    case 'choice':
      out.answerOption = (item.options ?? []).map((o) => ({ valueCoding: optionCoding(definition.id, item.linkId, o.value, o, o.score), extension: [triageExtension(o.triage)] }));
      break;
    case 'boolean':
      // R4 (que-5) gives a boolean item no answerOption: its answers' colours are an extension of the item
      for (const o of item.options ?? [])
        if (typeof o.value === 'boolean') extension.push({ url: EXTENSION.answerTriage, extension: [{ url: 'answer', valueBoolean: o.value }, { url: 'triage', valueCoding: triageCoding(o.triage) }] });
      break;
    case 'integer':
      if (item.min !== undefined) extension.push({ url: EXTENSION.minValue, valueInteger: item.min });
      if (item.max !== undefined) extension.push({ url: EXTENSION.maxValue, valueInteger: item.max });
      for (const band of item.bands ?? []) extension.push(scoreBandExtension(band));
      break;
  }
  if (extension.length > 0) out.extension = extension;
  const enableWhen = enableWhenOf(definition, item);
  if (enableWhen.length > 0) {
    out.enableWhen = enableWhen;
    if (enableWhen.length > 1) out.enableBehavior = 'any';
  }
  if (item.help)
    out.item = [
      {
        linkId: `${item.linkId}-help`,
        type: 'display',
        text: item.help.da,
        _text: english(item.help),
        extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl', valueCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/questionnaire-item-control', code: 'help' }] } }],
      },
    ];
  return out;
}

/**
 * The Questionnaire of a definition. Its id is the definition's id; `url` its canonical, the one
 * every QuestionnaireResponse names (with `|<version>`). The total's bands are extensions of the
 * Questionnaire. Answer combinations are not carried here (a response names those that applied).
 */
export function questionnaireFor(definition: QuestionnaireDefinition): Questionnaire {
  const q: Questionnaire = {
    resourceType: 'Questionnaire',
    id: definition.id,
    language: RESOURCE_LANGUAGE,
    url: questionnaireCanonical(definition.id),
    version: definition.version,
    name: computableName(definition.id),
    title: definition.title.da,
    _title: english(definition.title),
    status: 'active',
    subjectType: ['Patient'],
  };
  if (definition.description) Object.assign(q, { description: definition.description.da, _description: english(definition.description) });
  if (definition.source) q.copyright = definition.source;
  if (definition.scoring) q.extension = definition.scoring.bands.map(scoreBandExtension);
  q.item = definition.items.map((item) => questionnaireItem(definition, item));
  return q;
}

// ---- QuestionnaireResponse -----------------------------------------------------------------

type StoredAnswer = StoredQuestionnaireResponse['answers'][number];

/** The answer's value as its item's type says; without the definition (a version no longer shipped), as its JSON type says. */
function answerOf(questionnaireId: string, item: QuestionnaireItem | undefined, a: StoredAnswer): QuestionnaireResponseItemAnswer {
  const answer: QuestionnaireResponseItemAnswer = {};
  if (item?.type === 'boolean' && typeof a.value === 'boolean') answer.valueBoolean = a.value;
  else if (item?.type === 'integer' && typeof a.value === 'number' && Number.isInteger(a.value)) answer.valueInteger = a.value;
  else if (item?.type === 'choice') answer.valueCoding = optionCoding(questionnaireId, a.linkId, a.value, item.options?.find((o) => o.value === a.value), a.score);
  else if (typeof a.value === 'boolean') answer.valueBoolean = a.value;
  else if (typeof a.value === 'number') Object.assign(answer, Number.isInteger(a.value) ? { valueInteger: a.value } : { valueDecimal: a.value });
  else answer.valueCoding = optionCoding(questionnaireId, a.linkId, a.value, undefined, a.score);
  if (a.triage !== null) answer.extension = [triageExtension(a.triage)];
  return answer;
}

/**
 * One stored response as a QuestionnaireResponse, with the colours and scores the platform gave
 * it when it arrived (not worked out again). `definition` is the version the patient answered;
 * when that version is no longer shipped the answers keep their codes and colours, without the
 * question texts and option labels.
 */
export function questionnaireResponseFor(r: StoredQuestionnaireResponse, definition: QuestionnaireDefinition | undefined): QuestionnaireResponse {
  const patient = { reference: `Patient/${r.patientId}` };
  const extension: Extension[] = [triageExtension(r.triage)];
  for (const id of r.combinations) {
    const combination = definition?.combinations?.find((c) => c.id === id);
    extension.push({ url: EXTENSION.triageCombination, valueCoding: { system: combinationSystem(r.questionnaireId), code: id, ...(combination ? { display: combination.summary.da } : {}) } });
  }
  if (r.score !== null) extension.push({ url: EXTENSION.totalScore, valueDecimal: r.score });
  if (r.band) extension.push(scoreBandExtension(r.band));

  const items = new Map((definition?.items ?? []).map((item, index) => [item.linkId, { item, index }]));
  const rank = (a: StoredAnswer) => items.get(a.linkId)?.index ?? Number.MAX_SAFE_INTEGER;
  const answered: QuestionnaireResponseItem[] = [...r.answers]
    .sort((a, b) => rank(a) - rank(b))
    .map((a) => {
      const item = items.get(a.linkId)?.item;
      return { linkId: a.linkId, ...(item ? { text: item.text.da } : {}), answer: [answerOf(r.questionnaireId, item, a)] };
    });

  const response: QuestionnaireResponse = {
    resourceType: 'QuestionnaireResponse',
    id: questionnaireResponseUuid(r.id),
    meta: { lastUpdated: r.receivedAt },
    language: RESOURCE_LANGUAGE,
    extension,
    identifier: { system: CARE_SYSTEM.questionnaireResponseId, value: r.id },
    questionnaire: questionnaireCanonical(r.questionnaireId, r.questionnaireVersion),
    ...(definition ? { _questionnaire: { extension: [{ url: EXTENSION.display, valueString: definition.title.da }] } } : {}),
    status: 'completed',
    subject: patient,
    authored: r.authoredAt,
    // answered in the patient's own app (or by the simulated home on the patient's behalf)
    author: patient,
    source: patient,
    item: answered,
  };
  return response;
}
