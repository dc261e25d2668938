import {
  questionnaireItemRuleName,
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
import { alertMessage, type MessageKey, type MessageParams } from './messages';
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

/** What questionnaireFindings needs besides the response. */
export interface QuestionnaireFindingOptions {
  locale?: Locale;
  /**
   * The patient's previous answers to this questionnaire (the latest response before this one), for
   * items that compare with the previous answer (`riseFromPrevious`: mMRC one grade worse).
   */
  previous?: readonly Pick<QuestionnaireAnswer, 'linkId' | 'value'>[] | null;
}

/** The score of an answer: its option's score, or the number itself for an integer item. */
function scoreOf(item: QuestionnaireItem, value: AnswerValue): number | null {
  if (item.type === 'integer') return typeof value === 'number' ? value : null;
  return optionFor(item, value)?.score ?? null;
}

/**
 * The findings a triaged response makes, for applyFinding, one alert per symptom (issue 17, item 2):
 *
 * - per answered item with a colour, rule `questionnaire-<id>:<linkId>`: red or yellow with that
 *   answer, or in range (severity null) for a green answer. A new red symptom the day after another
 *   was acknowledged is then a new alert, and a card shows the answer that gave its colour. An item
 *   with `riseFromPrevious` is at least that colour when its score rose by `atLeast` since the
 *   previous answer (`options.previous`), worded "previous answer: ...".
 * - for the whole response, rule `questionnaire-<id>` (the rule of questionnaireFinding): what only
 *   the response as a whole says — the combinations that apply and the total score's band — with
 *   the worrying answers for context; in range when neither applies (which also marks an alert from
 *   before items had their own rules back in range).
 */
export function questionnaireFindings(definition: QuestionnaireDefinition, response: TriagedResponse, options: QuestionnaireFindingOptions = {}): Finding<QuestionnaireRule>[] {
  const locale = options.locale ?? DEFAULT_LOCALE;
  const items = new Map(definition.items.map((i) => [i.linkId, i]));
  const previous = new Map((options.previous ?? []).map((a) => [a.linkId, a.value]));
  const base = { questionnaireId: definition.id, version: definition.version };
  const finding = (rule: QuestionnaireRule, severity: Triage, key: MessageKey, params: MessageParams, value: number | null): Finding<QuestionnaireRule> => ({
    rule: rule.rule,
    kind: 'questionnaire',
    code: null,
    severity: severity === 'green' ? null : severity,
    value,
    unit: null,
    message: alertMessage(key, params, locale),
    messageKey: key,
    messageParams: params,
    measuredAt: response.authoredAt,
    measurementId: response.id,
    observedAt: response.authoredAt,
    threshold: rule,
  });

  const perItem = response.answers.flatMap((a) => {
    const item = items.get(a.linkId);
    if (!item) return [];
    let triage: Triage | null = a.triage;
    let key: MessageKey = 'questionnaire.concern';
    const params: MessageParams = { ...base, answers: encodeAnswers([a]) };
    const before = previous.get(a.linkId);
    const rise = item.riseFromPrevious;
    if (rise && before !== undefined) {
      const now = scoreOf(item, a.value);
      const then = scoreOf(item, before);
      if (now !== null && then !== null && now - then >= rise.atLeast && RANK[rise.triage] >= RANK[triage ?? 'green']) {
        triage = rise.triage;
        key = 'questionnaire.worse';
        params.previous = `${a.linkId}=${String(before)}`;
      }
    }
    if (triage === null) return [];
    const rule: QuestionnaireRule = { ...questionnaireRule(definition), rule: questionnaireItemRuleName(definition.id, a.linkId), linkId: a.linkId };
    return [finding(rule, triage, triage === 'green' ? 'questionnaire.fine' : key, triage === 'green' ? base : params, a.score)];
  });

  let whole: Triage = 'green';
  for (const id of response.combinations) whole = worse(whole, definition.combinations?.find((c) => c.id === id)?.triage ?? 'green');
  if (response.band) whole = worse(whole, response.band.triage);
  const params: MessageParams = { ...base };
  if (response.combinations.length > 0) params.combination = response.combinations.join(',');
  const concerning = response.answers.filter((a) => a.triage === 'red' || a.triage === 'yellow').sort((a, b) => RANK[b.triage ?? 'green'] - RANK[a.triage ?? 'green']);
  if (concerning.length > 0 && whole !== 'green') params.answers = encodeAnswers(concerning);
  if (response.score !== null) params.score = response.score;
  return [...perItem, finding(questionnaireRule(definition), whole, whole === 'green' ? 'questionnaire.fine' : 'questionnaire.concern', params, response.score)];
}
