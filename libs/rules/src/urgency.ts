import type { ThresholdRule } from '@tm/contracts';
import { PROGRAMME_DEFAULTS } from './defaults';
import { beyondLimit } from './evaluate';

type AbsoluteRule = Extract<ThresholdRule, { kind: 'absolute' }>;

/** The red limits of every programme's absolute default rules (SpO2, pulse, systolic). */
const DEFAULT_RED_LIMITS: readonly AbsoluteRule[] = Object.values(PROGRAMME_DEFAULTS)
  .flat()
  .filter((rule): rule is AbsoluteRule => rule.kind === 'absolute' && rule.red !== undefined);

/**
 * Whether a value is past the red limit of some programme's default for its code: red for most
 * patients whatever their own limits. Only an order of work: when thousands of gateways come back
 * at once, ingestion takes such batches before the others so the nurse sees them first (issue 16).
 * The colour is still triage's, from the patient's own limits and history; a red only a personal
 * limit or a change over days makes is not seen here and waits its turn.
 */
export function pastADefaultRedLimit(code: string, value: number): boolean {
  return DEFAULT_RED_LIMITS.some((rule) => rule.code === code && beyondLimit(rule.direction, value, rule.red));
}
