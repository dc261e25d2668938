import type { Alert, AlertEvent, ObservationEvent } from '@tm/contracts';
import type { Queryable } from '../db/db';

export type LiveEvent = { kind: 'alert'; patientId: string; payload: AlertEvent } | { kind: 'observation'; patientId: string; payload: ObservationEvent };

export type NewObservationEvent = Omit<ObservationEvent, 'eventId'>;

/** What one live_events row holds: one alert, or the observations of one patient from one batch. */
type EventRow = { patientId: string; kind: 'alert'; payload: Alert } | { patientId: string; kind: 'observations'; payload: NewObservationEvent[] };

/**
 * Appends events to live_events in the caller's transaction, one statement for the lot; a row's
 * id is the eventId clients replay from. A batch's observations of one patient share one row
 * (and so one eventId): they were stored, and are sent, together.
 */
export async function appendLiveEvents(db: Queryable, alerts: readonly Alert[], observations: readonly NewObservationEvent[]): Promise<LiveEvent[]> {
  const byPatient = new Map<string, NewObservationEvent[]>();
  for (const o of observations) {
    const list = byPatient.get(o.patientId);
    if (list) list.push(o);
    else byPatient.set(o.patientId, [o]);
  }
  const rows: EventRow[] = [
    ...[...byPatient].map(([patientId, payload]) => ({ patientId, kind: 'observations' as const, payload })),
    ...alerts.map((a) => ({ patientId: a.patientId, kind: 'alert' as const, payload: a })),
  ];
  if (rows.length === 0) return [];
  const inserted = await db.query<{ id: string }>(
    `INSERT INTO live_events (patient_id, kind, payload)
     SELECT patient_id, kind, payload FROM unnest($1::text[], $2::text[], $3::json[]) WITH ORDINALITY AS e(patient_id, kind, payload, n) ORDER BY n
     RETURNING id`,
    [rows.map((r) => r.patientId), rows.map((r) => r.kind), rows.map((r) => JSON.stringify(r.payload))],
  );
  // Identity values are drawn in the order the rows are inserted (ORDER BY n).
  const ids = inserted.rows.map((r) => BigInt(r.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return rows.flatMap((row, i) => eventsOf(row, String(ids[i])));
}

function eventsOf(row: EventRow, eventId: string): LiveEvent[] {
  if (row.kind === 'alert') return [{ kind: 'alert', patientId: row.patientId, payload: { ...row.payload, eventId } }];
  return row.payload.map((o) => ({ kind: 'observation', patientId: row.patientId, payload: { ...o, eventId } }));
}

/** Events after `lastEventId` for these patients, oldest first: what a client missed during a long gap. */
export async function eventsAfter(db: Queryable, lastEventId: string, patientIds: readonly string[], limit = 5000): Promise<LiveEvent[]> {
  const { rows } = await db.query<{ id: string; patient_id: string; kind: 'alert' | 'observation' | 'observations'; payload: unknown }>(
    'SELECT id, patient_id, kind, payload FROM live_events WHERE id > $1 AND patient_id = ANY($2) ORDER BY id LIMIT $3',
    [lastEventId, patientIds, limit],
  );
  return rows.flatMap((r) => {
    const id = String(r.id);
    switch (r.kind) {
      case 'alert':
        return eventsOf({ patientId: r.patient_id, kind: 'alert', payload: r.payload as Alert }, id);
      case 'observations':
        return eventsOf({ patientId: r.patient_id, kind: 'observations', payload: r.payload as NewObservationEvent[] }, id);
      case 'observation':
        // rows written one per reading before observations were grouped per batch
        return [{ kind: 'observation' as const, patientId: r.patient_id, payload: { ...(r.payload as NewObservationEvent), eventId: id } }];
    }
  });
}
