import {
  questionnaireRuleName,
  type AnswerOption,
  type AnswerValue,
  type QuestionnaireAnswer,
  type QuestionnaireDefinition,
  type QuestionnaireItem,
  type QuestionnaireRule,
  type ScoreBand,
  type Triage,
} from '@tm/contracts';
import type { Finding } from './evaluate';
import { alertMessage, type MessageParams } from './messages';
import { DEFAULT_LOCALE, type Locale } from './wording';

/**
 * Questionnaires are scored and triaged here, as readings are evaluated in evaluate.ts: pure
 * functions of the definition (from @tm/contracts) and the answers. Each answer option carries its
 * colour; a combination of answers (two of the three signs of a COPD exacerbation) can raise the
 * colour of the whole response; the response is as bad as its worst. Where each colour comes from
 * is listed in libs/rules/README.md ("Questionnaires").
 */

const RANK: Record<Triage, number> = { green: 0, yellow: 1, red: 2 };
const worse = (a: Triage, b: Triage): Triage => (RANK[b] > RANK[a] ? b : a);

/** Answer values compare as text: a boolean `true`, the number 2 and the string '2' are what the definition wrote. */
const same = (a: AnswerValue, b: AnswerValue): boolean => a === b;

function optionFor(item: QuestionnaireItem, value: AnswerValue): AnswerOption | undefined {
  return item.options?.find((o) => same(o.value, value));
}

function bandOf(bands: readonly ScoreBand[] | undefined, value: number): ScoreBand | null {
  return bands?.find((b) => value >= b.min && value <= b.max) ?? null;
}

/** Whether the item is asked, given the answers so far (FHIR enableWhen, narrowed to "answered one of"). */
function isEnabled(item: QuestionnaireItem, answers: ReadonlyMap<string, AnswerValue>): boolean {
  if (!item.enableWhen) return true;
  const given = answers.get(item.enableWhen.linkId);
  return given !== undefined && item.enableWhen.answers.some((a) => same(a, given));
}

/**
 * What is wrong with a set of answers for this definition, one sentence each (empty when they can
 * be stored): unknown or repeated items, a value that is not one of the item's options or outside
 * its range, a required item left out, an item answered that the other answers switch off.
 */
export function responseProblems(definition: QuestionnaireDefinition, answers: readonly QuestionnaireAnswer[]): string[] {
  const problems: string[] = [];
  const byLink = new Map<string, AnswerValue>();
  for (const a of answers) {
    if (byLink.has(a.linkId)) problems.push(`${a.linkId} is answered twice; send one answer per item`);
    byLink.set(a.linkId, a.value);
  }
  const items = new Map(definition.items.map((i) => [i.linkId, i]));
  for (const a of answers) {
    const item = items.get(a.linkId);
    if (!item) {
      problems.push(`${definition.id} version ${definition.version} has no item ${a.linkId} (items: ${definition.items.map((i) => i.linkId).join(', ')})`);
      continue;
    }
    if (item.type === 'integer') {
      if (typeof a.value !== 'number' || !Number.isInteger(a.value)) problems.push(`${a.linkId} takes a whole number, not ${JSON.stringify(a.value)}`);
      else if ((item.min !== undefined && a.value < item.min) || (item.max !== undefined && a.value > item.max))
        problems.push(`${a.linkId} takes a number from ${item.min ?? '…'} to ${item.max ?? '…'}, not ${a.value}`);
    } else if (!optionFor(item, a.value)) {
      problems.push(`${a.linkId}: ${JSON.stringify(a.value)} is not one of its answers (${(item.options ?? []).map((o) => JSON.stringify(o.value)).join(', ')})`);
    }
  }
  for (const item of definition.items) {
    const enabled = isEnabled(item, byLink);
    if (!enabled && byLink.has(item.linkId)) problems.push(`${item.linkId} is not asked with these answers (it depends on ${item.enableWhen?.linkId}); leave it out`);
    if (enabled && item.required !== false && !byLink.has(item.linkId)) problems.push(`${item.linkId} is not answered ("${item.text.en}")`);
  }
  return problems;
}

export interface ScoredAnswer {
  linkId: string;
  value: AnswerValue;
  /** the option's colour (or the integer's band's); null for an answer the definition gives no colour */
  triage: Triage | null;
  score: number | null;
}

export interface ScoredResponse {
  answers: ScoredAnswer[];
  /** the worst of the answers' colours and of the combinations that apply */
  triage: Triage;
  /** the sum of the item scores; null when no answered item carries one */
  score: number | null;
  /** the total's band (definitions with scoring) */
  band: ScoreBand | null;
  /** ids of the combinations that apply */
  combinations: string[];
}

/** Colours and scores the answers by the definition (validate them first with responseProblems). */
export function scoreResponse(definition: QuestionnaireDefinition, answers: readonly QuestionnaireAnswer[]): ScoredResponse {
  const items = new Map(definition.items.map((i) => [i.linkId, i]));
  const scored: ScoredAnswer[] = answers.map((a) => {
    const item = items.get(a.linkId);
    if (item?.type === 'integer' && typeof a.value === 'number') {
      const band = bandOf(item.bands, a.value);
      return { linkId: a.linkId, value: a.value, triage: band?.triage ?? null, score: a.value };
    }
    const option = item ? optionFor(item, a.value) : undefined;
    return { linkId: a.linkId, value: a.value, triage: option?.triage ?? null, score: option?.score ?? null };
  });
  let triage: Triage = 'green';
  for (const a of scored) if (a.triage) triage = worse(triage, a.triage);
  const byLink = new Map(answers.map((a) => [a.linkId, a.value]));
  const combinations = (definition.combinations ?? []).filter((c) => {
    const matched = c.of.filter((part) => {
      const given = byLink.get(part.linkId);
      return given !== undefined && part.answers.some((v) => same(v, given));
    }).length;
    return matched >= c.atLeast;
  });
  for (const c of combinations) triage = worse(triage, c.triage);
  const scores = scored.flatMap((a) => (a.score === null ? [] : [a.score]));
  const score = scores.length > 0 ? scores.reduce((s, x) => s + x, 0) : null;
  const band = score !== null ? bandOf(definition.scoring?.bands, score) : null;
  if (band) triage = worse(triage, band.triage);
  return { answers: scored, triage, score, band, combinations: combinations.map((c) => c.id) };
}

/** A response as the alert machinery needs it. */
export interface TriagedResponse extends ScoredResponse {
  id: string;
  questionnaireId: string;
  questionnaireVersion: string;
  authoredAt: Date;
}

/** `linkId=value` pairs joined by `;`, as message parameters carry answers (values are text). */
export function encodeAnswers(answers: readonly Pick<ScoredAnswer, 'linkId' | 'value'>[]): string {
  return answers.map((a) => `${a.linkId}=${String(a.value)}`).join(';');
}

/** The rule a questionnaire's alert records as its threshold: one open alert per patient and questionnaire. */
export function questionnaireRule(definition: Pick<QuestionnaireDefinition, 'id' | 'version'>): QuestionnaireRule {
  return { rule: questionnaireRuleName(definition.id), kind: 'questionnaire', questionnaireId: definition.id, questionnaireVersion: definition.version };
}

/**
 * The finding a triaged response makes, for applyFinding: red or yellow with the answers that made
 * it so (the combination first, then red answers, then yellow), or in range (severity null) for a
 * green response, which marks an open alert back in range as a reading would (a red is never
 * resolved without a person). The value is the total score, when there is one.
 */
export function questionnaireFinding(definition: QuestionnaireDefinition, response: TriagedResponse, options: { locale?: Locale } = {}): Finding<QuestionnaireRule> {
  const locale = options.locale ?? DEFAULT_LOCALE;
  const severity = response.triage === 'green' ? null : response.triage;
  const concerning = response.answers
    .filter((a) => a.triage === 'red' || a.triage === 'yellow')
    .sort((a, b) => RANK[b.triage ?? 'green'] - RANK[a.triage ?? 'green']);
  const params: MessageParams = { questionnaireId: definition.id, version: definition.version };
  if (response.combinations.length > 0) params.combination = response.combinations.join(',');
  if (concerning.length > 0) params.answers = encodeAnswers(concerning);
  if (response.score !== null) params.score = response.score;
  const key = severity ? 'questionnaire.concern' : 'questionnaire.fine';
  return {
    rule: questionnaireRuleName(definition.id),
    kind: 'questionnaire',
    code: null,
    severity,
    value: response.score,
    unit: null,
    message: alertMessage(key, params, locale),
    messageKey: key,
    messageParams: params,
    measuredAt: response.authoredAt,
    measurementId: response.id,
    observedAt: response.authoredAt,
    threshold: questionnaireRule(definition),
  };
}
