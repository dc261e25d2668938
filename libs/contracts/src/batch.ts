import { z } from 'zod';
import {
  componentProblem,
  MAX_BATCH_BYTES,
  Measurement,
  MeasurementBatchEnvelopeSchema,
  MeasurementEnvelopeSchema,
  MeasurementSchema,
  pressureProblem,
  Rejection,
  SalvagedMeasurementSchema,
  type Component,
} from './measurement';

/** Low-cardinality reasons: they label the `tm_measurements_rejected_total{reason}` metric. */
export const REJECTION_REASONS = [
  'oversized',
  'bad_json',
  'invalid_batch',
  'invalid_measurement',
  'wrong_gateway',
  'patient_not_bound',
  'conflict_in_batch',
  'implausible_time',
  'invalid_component',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface MeasurementRejection extends Rejection {
  reasonCode: RejectionReason;
  /** the measurement as it was sent, kept whole in rejected_messages */
  payload?: unknown;
}

/**
 * Readings dated before this are a device clock that was never set, not a measurement: a reset
 * clock starts at 2000-01-01 (the Bluetooth Date Time epoch most devices fall back to) and runs on
 * from there, and no reading of this platform's patients is older than the platform.
 */
export const EARLIEST_PLAUSIBLE_MEASUREMENT = Date.parse('2020-01-01T00:00:00Z');
/** How far ahead of reception a reading may be dated: clock drift, never a reading from the future. */
export const MAX_CLOCK_AHEAD_MS = 10 * 60 * 1000;

export type ParsedBatch =
  | {
      ok: true;
      gatewayId: string;
      sentAt: string;
      measurements: Measurement[];
      /** measurements refused; each id named here is named nowhere else in the receipt */
      rejected: MeasurementRejection[];
      /** copies of an id already in this batch with the same content: receipted with it, stored once */
      repeated: string[];
      /** copies of an id already in this batch with other content: kept in rejected_messages, not receipted separately */
      conflicts: MeasurementRejection[];
      /** components refused while the rest of their measurement was stored: kept in rejected_messages */
      componentRejections: MeasurementRejection[];
    }
  | { ok: false; reasonCode: RejectionReason; reason: string };

/** Turns zod issues into one sentence a person can act on. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

export const rejectionText = (reasonCode: RejectionReason, detail: string): string => `${reasonCode}: ${detail}`;

/**
 * Parses a raw MQTT payload. The envelope must be valid for anything to be accepted; each
 * measurement is then validated on its own so one bad reading never sinks the others. The
 * receipt names each id once: a valid copy of an id wins over an invalid one, an identical copy
 * is the same reading, and a different copy under a known id is a conflict kept for a person.
 */
export function parseMeasurementBatch(payload: Uint8Array | string, receivedAt: Date = new Date()): ParsedBatch {
  const size = typeof payload === 'string' ? payload.length : payload.byteLength;
  if (size > MAX_BATCH_BYTES) return { ok: false, reasonCode: 'oversized', reason: `payload is ${size} bytes; the limit is ${MAX_BATCH_BYTES}` };
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload));
  } catch (e) {
    return { ok: false, reasonCode: 'bad_json', reason: `payload is not JSON (${(e as Error).message})` };
  }
  const depth = nestingDepth(json);
  if (depth > MAX_NESTING) return { ok: false, reasonCode: 'invalid_batch', reason: `payload is nested ${depth > 10 * MAX_NESTING ? 'far ' : ''}deeper than ${MAX_NESTING} levels; a batch needs at most 5` };
  const envelope = MeasurementBatchEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reasonCode: 'invalid_batch', reason: describeIssues(envelope.error) };

  const accepted = new Map<string, { measurement: Measurement; text: string }>();
  const invalid = new Map<string, MeasurementRejection>();
  const repeated: string[] = [];
  const conflicts: MeasurementRejection[] = [];
  const componentRejections: MeasurementRejection[] = [];
  envelope.data.measurements.forEach((raw, index) => {
    const id = idOf(raw) ?? `#${index}`;
    const salvaged = salvage(raw);
    const parsed = salvaged.measurement ? SalvagedMeasurementSchema.safeParse(salvaged.measurement) : MeasurementSchema.safeParse(raw);
    if (parsed.success)
      for (const r of salvaged.refused) componentRejections.push({ id, reasonCode: 'invalid_component', reason: rejectionText('invalid_component', r.reason), payload: r.component });
    if (!parsed.success) {
      if (!invalid.has(id)) invalid.set(id, { id, reasonCode: 'invalid_measurement', reason: rejectionText('invalid_measurement', describeIssues(parsed.error)), payload: raw });
      else conflicts.push({ id, reasonCode: 'conflict_in_batch', reason: rejectionText('conflict_in_batch', 'another copy of this id in the same batch is invalid too'), payload: raw });
      return;
    }
    const timeProblem = implausibleTime(parsed.data.measuredAt, receivedAt);
    if (timeProblem) {
      if (!invalid.has(id)) invalid.set(id, { id, reasonCode: 'implausible_time', reason: rejectionText('implausible_time', timeProblem), payload: raw });
      return;
    }
    const text = JSON.stringify(parsed.data);
    const first = accepted.get(parsed.data.id);
    if (!first) accepted.set(parsed.data.id, { measurement: parsed.data, text });
    else if (first.text === text) repeated.push(parsed.data.id);
    else
      conflicts.push({
        id,
        reasonCode: 'conflict_in_batch',
        reason: rejectionText('conflict_in_batch', 'the same id appears earlier in this batch with other values; the first copy was kept'),
        payload: raw,
      });
  });
  const rejected: MeasurementRejection[] = [];
  for (const [id, rejection] of invalid) {
    if (accepted.has(id)) conflicts.push({ ...rejection, reasonCode: 'conflict_in_batch', reason: rejectionText('conflict_in_batch', `a valid copy of this id in the same batch was kept; this one was refused (${rejection.reason})`) });
    else rejected.push(rejection);
  }
  return { ok: true, gatewayId: envelope.data.gatewayId, sentAt: envelope.data.sentAt, measurements: [...accepted.values()].map((a) => a.measurement), rejected, repeated, conflicts, componentRejections };
}

/**
 * The valid components of a measurement whose other components are not: an artefact pulse of 15
 * must not hide an SpO2 of 84 %. A measurement keeps its required components only if they are
 * valid; with none valid it is not salvaged (and is rejected whole, with every reason).
 */
function salvage(raw: unknown): { measurement: unknown; refused: { component: unknown; reason: string }[] } {
  const envelope = MeasurementEnvelopeSchema.safeParse(raw);
  if (!envelope.success) return { measurement: undefined, refused: [] };
  const m = envelope.data;
  const seen = new Set<string>();
  const kept: Component[] = [];
  const refused: { component: unknown; reason: string }[] = [];
  for (const c of m.components) {
    const problem = componentProblem(m.type, c, seen);
    seen.add(c.code);
    if (problem) refused.push({ component: c, reason: problem });
    else kept.push(c as Component);
  }
  const pressure = pressureProblem(kept);
  const clean = pressure ? kept.filter((c) => c.code !== '8480-6' && c.code !== '8462-4') : kept;
  if (pressure) for (const c of kept.filter((k) => !clean.includes(k))) refused.push({ component: c, reason: pressure });
  if (refused.length === 0 || clean.length === 0) return { measurement: undefined, refused: [] };
  return { measurement: { ...m, components: clean, flags: { ...m.flags, componentsRefused: refused.length } }, refused };
}

/** A batch is five levels deep; anything much deeper is not a batch, and must not reach recursive code. */
const MAX_NESTING = 32;

/** How deep a parsed JSON value nests, counted without recursion (a hostile payload may nest 100,000 deep). */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > 10 * MAX_NESTING) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function implausibleTime(measuredAt: string, receivedAt: Date): string | null {
  const t = Date.parse(measuredAt);
  if (t < EARLIEST_PLAUSIBLE_MEASUREMENT) return `measuredAt ${measuredAt} is before 2020-01-01: the device clock is probably not set (a reset clock starts at 2000-01-01)`;
  if (t - receivedAt.getTime() > MAX_CLOCK_AHEAD_MS) return `measuredAt ${measuredAt} is more than 10 minutes after it was received (${receivedAt.toISOString()})`;
  return null;
}

function idOf(raw: unknown): string | undefined {
  if (typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string' && raw.id.length <= 128) return raw.id;
  return undefined;
}
