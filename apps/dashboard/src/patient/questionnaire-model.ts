import type { AnswerValue, QuestionnaireAnswer, QuestionnaireDefinition, QuestionnaireItem, QuestionnaireResponse } from '@tm/contracts';
import type { Language, MessageKey, Params } from '../i18n';

/**
 * The generic form's logic, for any questionnaire definition (ARCHITECTURE.md §10): which items are
 * asked given the answers so far (FHIR enableWhen, narrowed), what must still be answered, and the
 * response to send. The page shows one item at a time; an item depends only on earlier ones, so
 * moving forward never changes what was asked before.
 */

/** The answers given so far, by linkId (an item switched off by a later change keeps its answer until sent, then is left out). */
export type Draft = Readonly<Record<string, AnswerValue>>;

export const sameAnswer = (a: AnswerValue, b: AnswerValue): boolean => a === b;

export function isEnabled(item: QuestionnaireItem, draft: Draft): boolean {
  if (!item.enableWhen) return true;
  const given = draft[item.enableWhen.linkId];
  return given !== undefined && item.enableWhen.answers.some((a) => sameAnswer(a, given));
}

/** The items asked with these answers, in order. */
export function enabledItems(definition: QuestionnaireDefinition, draft: Draft): QuestionnaireItem[] {
  const asked: QuestionnaireItem[] = [];
  const answered: Record<string, AnswerValue> = {};
  for (const item of definition.items) {
    // an item switched off does not switch on items that depend on it
    if (!isEnabled(item, answered)) continue;
    asked.push(item);
    const value = draft[item.linkId];
    if (value !== undefined) answered[item.linkId] = value;
  }
  return asked;
}

type Asked = 'yes' | 'maybe' | 'no';

/** Whether some answer the item allows is one of `answers` (an integer item: any whole number in its range). */
function couldAnswer(item: QuestionnaireItem, answers: readonly AnswerValue[]): boolean {
  if (item.type !== 'integer') return (item.options ?? []).some((o) => answers.some((a) => sameAnswer(a, o.value)));
  return answers.some((a) => typeof a === 'number' && Number.isInteger(a) && (item.min === undefined || a >= item.min) && (item.max === undefined || a <= item.max));
}

/**
 * How many questions the patient will be asked, given the answers so far: `count` when the
 * answers still to come cannot change it, otherwise at most `count` (the diary reads "af højst 6"
 * until the phlegm question is answered, then "af 6" or "af 5"). The total never grows as the
 * patient goes on, so the counter never jumps from "3 af 5" to "4 af 6".
 */
export function questionCount(definition: QuestionnaireDefinition, draft: Draft): { count: number; exact: boolean } {
  const asked = new Map<string, Asked>();
  const byId = new Map(definition.items.map((i) => [i.linkId, i]));
  for (const item of definition.items) {
    let state: Asked = 'yes';
    if (item.enableWhen) {
      const on = item.enableWhen;
      const parent = asked.get(on.linkId) ?? 'no';
      const given = draft[on.linkId];
      const parentItem = byId.get(on.linkId);
      if (parent === 'no') state = 'no';
      else if (parent === 'yes' && given !== undefined) state = on.answers.some((a) => sameAnswer(a, given)) ? 'yes' : 'no';
      else state = parentItem !== undefined && couldAnswer(parentItem, on.answers) ? 'maybe' : 'no';
    }
    asked.set(item.linkId, state);
  }
  const states = [...asked.values()];
  const sure = states.filter((s) => s === 'yes').length;
  const maybe = states.filter((s) => s === 'maybe').length;
  return { count: sure + maybe, exact: maybe === 0 };
}

/** The answers to send: the asked items that have one, in the definition's order. */
export function answersToSend(definition: QuestionnaireDefinition, draft: Draft): QuestionnaireAnswer[] {
  return enabledItems(definition, draft).flatMap((item) => {
    const value = draft[item.linkId];
    return value === undefined ? [] : [{ linkId: item.linkId, value }];
  });
}

/** Asked, required and not answered. */
export function unanswered(definition: QuestionnaireDefinition, draft: Draft): QuestionnaireItem[] {
  return enabledItems(definition, draft).filter((item) => item.required !== false && draft[item.linkId] === undefined);
}

export interface Problem {
  key: MessageKey;
  params?: Params;
}

/** What stops the patient going on from an item: nothing chosen, or a number that does not fit. */
export function itemProblem(item: QuestionnaireItem, value: AnswerValue | undefined): Problem | null {
  if (value === undefined) return item.required === false ? null : item.type === 'integer' ? numberProblem(item) : { key: 'me.q.required' };
  if (item.type !== 'integer') return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) return numberProblem(item);
  if ((item.min !== undefined && value < item.min) || (item.max !== undefined && value > item.max)) return numberProblem(item);
  return null;
}

function numberProblem(item: QuestionnaireItem): Problem {
  return item.min !== undefined && item.max !== undefined ? { key: 'me.q.numberRange', params: { min: item.min, max: item.max } } : { key: 'me.q.number' };
}

/** A typed whole number, or undefined when the field holds something else ("", "3,5", "tre"). */
export function parseWholeNumber(raw: string): number | undefined {
  const text = raw.trim();
  return /^-?\d{1,9}$/.test(text) ? Number(text) : undefined;
}

/** The option's label in the patient's language, or the number itself. */
export function answerLabel(item: QuestionnaireItem, value: AnswerValue, language: Language): string {
  const option = item.options?.find((o) => sameAnswer(o.value, value));
  return option ? option.label[language] : String(value);
}

export function buildResponse(definition: QuestionnaireDefinition, draft: Draft, id: string, authoredAt: Date): QuestionnaireResponse {
  return { id, questionnaireId: definition.id, questionnaireVersion: definition.version, authoredAt: authoredAt.toISOString(), answers: answersToSend(definition, draft) };
}
