import type { Alert, AlertEvent, ObservationEvent } from '@tm/contracts';
import type { Queryable } from '../db/db';

export type LiveEvent = { kind: 'alert'; patientId: string; payload: AlertEvent } | { kind: 'observation'; patientId: string; payload: ObservationEvent };

/** Appends an event to live_events in the caller's transaction; its id is the eventId clients replay from. */
export async function appendAlertEvent(db: Queryable, alert: Alert): Promise<LiveEvent> {
  const eventId = await append(db, alert.patientId, 'alert', alert);
  return { kind: 'alert', patientId: alert.patientId, payload: { ...alert, eventId } };
}

export async function appendObservationEvent(db: Queryable, event: Omit<ObservationEvent, 'eventId'>): Promise<LiveEvent> {
  const eventId = await append(db, event.patientId, 'observation', event);
  return { kind: 'observation', patientId: event.patientId, payload: { ...event, eventId } };
}

async function append(db: Queryable, patientId: string, kind: LiveEvent['kind'], payload: object): Promise<string> {
  const { rows } = await db.query<{ id: string }>('INSERT INTO live_events (patient_id, kind, payload) VALUES ($1, $2, $3) RETURNING id', [patientId, kind, JSON.stringify(payload)]);
  return String(rows[0]?.id);
}

/** Events after `lastEventId` for these patients, oldest first: what a client missed during a long gap. */
export async function eventsAfter(db: Queryable, lastEventId: string, patientIds: readonly string[], limit = 5000): Promise<LiveEvent[]> {
  const { rows } = await db.query<{ id: string; patient_id: string; kind: LiveEvent['kind']; payload: Record<string, unknown> }>(
    'SELECT id, patient_id, kind, payload FROM live_events WHERE id > $1 AND patient_id = ANY($2) ORDER BY id LIMIT $3',
    [lastEventId, patientIds, limit],
  );
  return rows.map((r) => ({ kind: r.kind, patientId: r.patient_id, payload: { ...r.payload, eventId: String(r.id) } }) as LiveEvent);
}
