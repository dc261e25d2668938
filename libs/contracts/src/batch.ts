import { z } from 'zod';
import {
  MAX_BATCH_BYTES,
  Measurement,
  MeasurementBatchEnvelopeSchema,
  MeasurementSchema,
  Rejection,
} from './measurement';

/** Low-cardinality reasons: they label the `tm_measurements_rejected_total{reason}` metric. */
export const REJECTION_REASONS = [
  'oversized',
  'bad_json',
  'invalid_batch',
  'invalid_measurement',
  'wrong_gateway',
  'patient_not_bound',
  'duplicate_in_batch',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface MeasurementRejection extends Rejection {
  reasonCode: RejectionReason;
}

export type ParsedBatch =
  | { ok: true; gatewayId: string; sentAt: string; measurements: Measurement[]; rejected: MeasurementRejection[] }
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
 * measurement is then validated on its own so one bad reading never sinks the others.
 */
export function parseMeasurementBatch(payload: Uint8Array | string): ParsedBatch {
  const size = typeof payload === 'string' ? payload.length : payload.byteLength;
  if (size > MAX_BATCH_BYTES) return { ok: false, reasonCode: 'oversized', reason: `payload is ${size} bytes; the limit is ${MAX_BATCH_BYTES}` };
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload));
  } catch (e) {
    return { ok: false, reasonCode: 'bad_json', reason: `payload is not JSON (${(e as Error).message})` };
  }
  const envelope = MeasurementBatchEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reasonCode: 'invalid_batch', reason: describeIssues(envelope.error) };

  const measurements: Measurement[] = [];
  const rejected: MeasurementRejection[] = [];
  const seen = new Set<string>();
  envelope.data.measurements.forEach((raw, index) => {
    const parsed = MeasurementSchema.safeParse(raw);
    const id = idOf(raw) ?? `#${index}`;
    if (!parsed.success) {
      rejected.push({ id, reasonCode: 'invalid_measurement', reason: rejectionText('invalid_measurement', describeIssues(parsed.error)) });
    } else if (seen.has(parsed.data.id)) {
      rejected.push({ id, reasonCode: 'duplicate_in_batch', reason: rejectionText('duplicate_in_batch', 'the same id appears earlier in this batch') });
    } else {
      seen.add(parsed.data.id);
      measurements.push(parsed.data);
    }
  });
  return { ok: true, gatewayId: envelope.data.gatewayId, sentAt: envelope.data.sentAt, measurements, rejected };
}

function idOf(raw: unknown): string | undefined {
  if (typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string' && raw.id.length <= 128) return raw.id;
  return undefined;
}
