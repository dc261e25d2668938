import { MeasurementTypeSchema, type Alert, type ThresholdRule } from '@tm/contracts';
import { alertMessage, ruleLabel } from '@tm/rules';
import { z } from 'zod';
import { describeRule, formatNumber, translate, unitText, type Language, type RuleShape } from '../i18n';
import { duration } from '../shared/time';

/**
 * What a nurse reads of an alert, in her language and number format. The wording lives in
 * `@tm/rules` (`alertMessage(messageKey, messageParams, locale)`, `ruleLabel`; ARCHITECTURE
 * section 8), and this is the one place the dashboard calls it. An alert without a key (stored
 * before keys existed) or with a key the library does not know shows the server's `message`,
 * which the server writes in the language asked for with Accept-Language.
 */
export function alertText(alert: Pick<Alert, 'message' | 'messageKey' | 'messageParams'>, language: Language): string {
  if (alert.messageKey === '') return alert.message;
  const text = alertMessage(alert.messageKey, alert.messageParams, language);
  return text === alert.messageKey || text.trim() === '' ? alert.message : text;
}

const ThresholdShapeSchema = z.object({
  direction: z.enum(['low', 'high', 'rise', 'fall']).optional().catch(undefined),
  type: MeasurementTypeSchema.optional().catch(undefined),
  flag: z.string().optional().catch(undefined),
});

/** What an alert's rule watches, from the alert and the threshold it recorded. */
export function ruleShapeOf(alert: Pick<Alert, 'kind' | 'code' | 'threshold'>): RuleShape {
  const threshold = ThresholdShapeSchema.safeParse(alert.threshold);
  const t = threshold.success ? threshold.data : {};
  return { kind: alert.kind, code: alert.code, direction: t.direction ?? null, type: t.type ?? null, flag: t.flag ?? null };
}

/** What a threshold rule watches. */
export function thresholdRuleShape(r: ThresholdRule): RuleShape {
  switch (r.kind) {
    case 'missing':
      return { kind: r.kind, type: r.type };
    case 'flag':
      return { kind: r.kind, type: r.type, flag: r.flag };
    case 'baseline':
      return { kind: r.kind, code: r.code };
    case 'absolute':
    case 'change':
      return { kind: r.kind, code: r.code, direction: r.direction };
  }
}

/**
 * A rule's name for the screen, never its id: the library's label for a known rule, else a name
 * made from what the rule watches (a nurse's own rule "spo2-nat" reads "Iltmætning (SpO2): under grænsen").
 */
export function ruleName(rule: string, shape: RuleShape, language: Language): string {
  const label = ruleLabel(
    { rule, kind: shape.kind, code: shape.code ?? null, direction: shape.direction ?? undefined, type: shape.type ?? undefined, flag: shape.flag ?? undefined },
    language,
  );
  if (label.trim() !== '' && label !== rule) return label;
  return describeRule(language, shape);
}

/**
 * The value behind an alert with its unit, or null when it is not a number a nurse reads: a
 * standard-deviation score ("15.14 SD") is the rule's arithmetic, the message says what it means.
 */
export function alertValueText(alert: Pick<Alert, 'value' | 'unit'>, language: Language): string | null {
  if (alert.value === null) return null;
  switch (alert.unit) {
    case 'SD':
      return null;
    case 'points':
      return translate(language, 'alert.points', { value: alert.value, count: alert.value });
    case 'h':
      return duration(language, alert.value * 3_600_000);
    case null:
      return formatNumber(language, alert.value);
    default:
      return `${formatNumber(language, alert.value)} ${unitText(alert.unit)}`;
  }
}
