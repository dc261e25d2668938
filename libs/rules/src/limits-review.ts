import type { ThresholdRule } from '@tm/contracts';
import type { Finding } from './evaluate';
import { alertMessage } from './messages';
import { localDate, PLAN_TIME_ZONE } from './plan-calendar';
import { DEFAULT_LOCALE, type Locale } from './wording';

type MissingRule = Extract<ThresholdRule, { kind: 'missing' }>;

/** The rule name of the "review limits" alert (issue 17, item 14). */
export const LIMITS_REVIEW_RULE = 'limits-review';

/**
 * The "review limits" finding for a patient's personal limits (issue 17, item 14): yellow once the
 * review date a physician set (or the default) has passed; in range before it, or when the patient
 * has no personal limits (`reviewAt` null), which resolves an open one. Kind `missing`: what is
 * missing is the review, and like missing data it is resolved by the system when it comes (new
 * limits with a later date). Run it on the missing-data timer.
 */
export function limitsReviewFinding(reviewAt: Date | null, now: Date, locale: Locale = DEFAULT_LOCALE): Finding<MissingRule> {
  const due = reviewAt !== null && reviewAt.getTime() <= now.getTime();
  const reviewOn = reviewAt ? localDate(reviewAt, PLAN_TIME_ZONE) : '—';
  const key = due ? 'limits.review' : 'limits.reviewed';
  const params = { reviewOn };
  // the threshold the alert keeps: a missing-data shape without a measurement type
  const threshold = { rule: LIMITS_REVIEW_RULE, kind: 'missing', reviewAt: reviewAt?.toISOString() ?? null } as unknown as MissingRule;
  return {
    rule: LIMITS_REVIEW_RULE,
    kind: 'missing',
    code: null,
    severity: due ? 'yellow' : null,
    value: due ? Math.floor((now.getTime() - reviewAt.getTime()) / 86_400_000) : null,
    unit: due ? 'd' : null,
    message: alertMessage(key, params, locale),
    messageKey: key,
    messageParams: params,
    measuredAt: due ? reviewAt : now,
    measurementId: null,
    observedAt: null,
    threshold,
  };
}
