import { QUESTIONNAIRE_ACTIVITY_PREFIX, questionnaireIdOf, type Alert, type QuestionnaireRule } from '@tm/contracts';
import type { Finding } from './evaluate';
import { LIMITS_REVIEW_RULE } from './limits-review';
import { alertMessage, type MessageKey, type MessageParams } from './messages';
import { PLAN_TIME_ZONE } from './plan-calendar';
import type { PlanInForce } from './plan-in-force';
import { missingDeadline } from './plan-missing-data';
import { activitiesOf } from './plan-schedule';
import { DEFAULT_LOCALE, type Locale } from './wording';

/**
 * Unanswered diaries and stale missing data (issue 17, item 6). A questionnaire the care plan
 * expects is watched like a measurement: when the first due day after the last answer (or after
 * monitoring began or resumed) has ended without one, a yellow missing-data alert, rule
 * `unanswered-<questionnaireId>`; the next answer clears it. A missing-data yellow nobody acts on
 * is escalated (isStaleMissingData). Sources and defaults in libs/rules/README.md.
 */

export const unansweredRuleName = (questionnaireId: string): string => `unanswered-${questionnaireId}`;

const HOUR_MS = 3_600_000;
const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * One finding per questionnaire the patient has been asked to answer (every `questionnaire:<id>`
 * activity of the plan, plus each questionnaire with an open alert, so a questionnaire taken off
 * the plan clears it): yellow `unanswered.late` once missingDeadline has passed, else in range. Kind
 * `missing`: resolved by the system when the answer comes, as missing measurements are.
 */
export function planUnansweredFindings(
  p: PlanInForce,
  lastAnsweredById: Readonly<Record<string, Date>>,
  now: Date,
  monitoredSince?: Date | null,
  options: { locale?: Locale; timeZone?: string; alsoCheck?: readonly string[] } = {},
): Finding<QuestionnaireRule>[] {
  const locale = options.locale ?? DEFAULT_LOCALE;
  const timeZone = options.timeZone ?? PLAN_TIME_ZONE;
  const since = new Date(Math.max(p.startedAt.getTime(), monitoredSince?.getTime() ?? Number.NEGATIVE_INFINITY));
  const planned = activitiesOf(p.plan).flatMap((a) => {
    const id = questionnaireIdOf(a);
    return id ? [id] : [];
  });
  const ids = [...new Set([...planned, ...(options.alsoCheck ?? [])])];
  return ids.map((questionnaireId) => {
    const last = lastAnsweredById[questionnaireId];
    const reference = last === undefined || since.getTime() > last.getTime() ? since : last;
    const deadline = missingDeadline(p, `${QUESTIONNAIRE_ACTIVITY_PREFIX}${questionnaireId}`, reference, timeZone);
    const late = deadline !== null && now.getTime() > deadline.getTime();
    const hours = Math.max(0, round1((now.getTime() - reference.getTime()) / HOUR_MS));
    const key: MessageKey = deadline === null ? 'unanswered.notPlanned' : late ? 'unanswered.late' : 'unanswered.received';
    const params: MessageParams = { questionnaireId, hours };
    const threshold: QuestionnaireRule = { rule: unansweredRuleName(questionnaireId), kind: 'questionnaire', questionnaireId, questionnaireVersion: '' };
    return {
      rule: threshold.rule,
      kind: 'missing',
      code: null,
      severity: late ? 'yellow' : null,
      value: deadline === null ? null : hours,
      unit: deadline === null ? null : 'h',
      message: alertMessage(key, params, locale),
      messageKey: key,
      messageParams: params,
      measuredAt: last ?? null,
      measurementId: null,
      observedAt: null,
      threshold,
    };
  });
}

/**
 * How long a missing-data yellow may stay open (raised, nobody acknowledged it) before it is
 * escalated: 48 h, default for clinical review.
 */
export const DEFAULT_STALE_MISSING_AFTER_MS = 48 * HOUR_MS;

/**
 * Whether a missing-data yellow has stayed open past the limit and is escalated (issue 17, item 6).
 * It is escalated — sent along the escalation route (the on-call team or webhook) and flagged on
 * the board — and stays yellow: missing data says nothing about how the patient is, and a red
 * would tell the patient in their app to call 1813 or 112 for a diary not filled in. An alert a
 * nurse acknowledged is someone's already; "review limits" is the physician's and no emergency.
 */
export function isStaleMissingData(alert: Pick<Alert, 'kind' | 'rule' | 'severity' | 'status' | 'escalated' | 'raisedAt' | 'reraisedAt'>, now: Date, afterMs: number = DEFAULT_STALE_MISSING_AFTER_MS): boolean {
  if (alert.kind !== 'missing' || alert.rule === LIMITS_REVIEW_RULE || alert.severity !== 'yellow' || alert.status !== 'open' || alert.escalated) return false;
  return now.getTime() - Date.parse(alert.reraisedAt ?? alert.raisedAt) >= afterMs;
}
