import { pastADefaultRedLimit } from '@tm/rules';

/**
 * About 60 readings. A home's batch is a few readings (a day's backlog about 8); bulk batches of
 * hundreds are not parsed twice on the hot path, and their reds keep their turn.
 */
const MAX_SCREENED_BYTES = 16 * 1024;

/**
 * Whether a measurement batch holds a reading past a programme's default red limit, read from the
 * raw payload before it is validated, to put it first in line (the broker's waiting publishes,
 * ingestion's queue). Anything unexpected is simply "not urgent": validation, the rules and the
 * rejections come later, in their usual place.
 */
export function mayHoldARed(payload: Buffer | string): boolean {
  if (payload.length > MAX_SCREENED_BYTES) return false;
  let batch: unknown;
  try {
    batch = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch {
    return false;
  }
  const measurements = (batch as { measurements?: unknown } | null)?.measurements;
  if (!Array.isArray(measurements)) return false;
  return measurements.some((m: unknown) => {
    const components = (m as { components?: unknown } | null)?.components;
    return Array.isArray(components) && components.some((c: unknown) => {
      const { code, value } = (c ?? {}) as { code?: unknown; value?: unknown };
      return typeof code === 'string' && typeof value === 'number' && pastADefaultRedLimit(code, value);
    });
  });
}
