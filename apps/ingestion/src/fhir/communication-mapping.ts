import type { Communication, Reference } from 'fhir/r4';
import type { Queryable } from '../db/db';
import { careNoteSourceId, type CareNoteRow } from './care-note-mapping';
import { RESOURCE_LANGUAGE } from './questionnaire-mapping';
import { instantText, trimFraction } from './observation-repository';
import type { Cursor } from './searchset';
import { uuidFromName } from './uuid';

/** The platform's identifier system of messages (replaced by a region's OID as SYSTEM's are). */
export const MESSAGE_ID_SYSTEM = 'urn:telemonitoring:message';

/** A message of the thread as the Communication export reads it. */
export interface CommunicationRow {
  id: string;
  patientId: string;
  direction: 'from_patient' | 'to_patient';
  text: string;
  authorName: string;
  sentAt: string;
  readAt: string | null;
}

export const communicationUuid = (messageId: string): string => uuidFromName(`communication/${messageId}`);

/**
 * A message between the patient and their care team as an R4 Communication (as FUT's
 * ehealth-message): the patient is subject, and sender or recipient; the clinician appears by
 * name (the export has no Practitioner resources). `received` is when the other side read it.
 */
export function communicationFor(m: CommunicationRow): Communication {
  const patient: Reference = { reference: `Patient/${m.patientId}` };
  const careTeam: Reference = { display: m.direction === 'from_patient' ? 'Behandlerteam' : m.authorName };
  return {
    resourceType: 'Communication',
    id: communicationUuid(m.id),
    meta: { lastUpdated: m.sentAt },
    language: RESOURCE_LANGUAGE,
    identifier: [{ system: MESSAGE_ID_SYSTEM, value: m.id }],
    status: 'completed',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'notification', display: 'Notification' }] }],
    medium: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode', code: 'WRITTEN', display: 'written' }] }],
    subject: patient,
    sent: m.sentAt,
    ...(m.readAt ? { received: m.readAt } : {}),
    sender: m.direction === 'from_patient' ? patient : careTeam,
    recipient: [m.direction === 'from_patient' ? careTeam : patient],
    payload: [{ contentString: m.text }],
  };
}

/** A row of a patient's Communications: a message of the thread, or an entry of the care record. */
export type CommunicationSource = { source: 'message'; message: CommunicationRow } | { source: 'care-note'; note: CareNoteRow };

/** The keyset id of a source row (a message's own id; `care-note/<id>` for the record's entries). */
export const sourceIdOf = (row: CommunicationSource): string => (row.source === 'message' ? row.message.id : careNoteSourceId(row.note.id));

/**
 * At most `limit` of a patient's messages and care-record entries together, newest first, from the
 * cursor's row on (inclusive), keyset on (time, id): one statement over both tables, each read on
 * its (patient_id, time) index.
 */
export async function communicationsPage(db: Queryable, patientId: string, cursor: Cursor | null, limit: number): Promise<CommunicationSource[]> {
  const { rows } = await db.query<{
    source: 'message' | 'care-note';
    key: string;
    id: string;
    direction: CommunicationRow['direction'] | null;
    kind: CareNoteRow['kind'] | null;
    text: string;
    outcome: string | null;
    author_name: string;
    at: string;
    read_at: string | null;
  }>(
    `SELECT * FROM (
       SELECT 'message' AS source, id AS key, id, direction, NULL AS kind, text, NULL AS outcome, author_name, sent_at AS at_time,
              ${instantText('sent_at')} AS at, CASE WHEN read_at IS NULL THEN NULL ELSE ${instantText('read_at')} END AS read_at
         FROM messages WHERE patient_id = $1
       UNION ALL
       SELECT 'care-note', 'care-note/' || id, id::text, NULL, kind, text, outcome, author_name, created_at,
              ${instantText('created_at')}, NULL
         FROM care_notes WHERE patient_id = $1
     ) rows
     WHERE $2::timestamptz IS NULL OR (at_time <= $2 AND (at_time, key) <= ($2, $3))
     ORDER BY at_time DESC, key DESC
     LIMIT $4`,
    [patientId, cursor?.at ?? null, cursor?.id ?? null, limit],
  );
  return rows.map((r): CommunicationSource =>
    r.source === 'message'
      ? { source: 'message', message: { id: r.id, patientId, direction: r.direction ?? 'from_patient', text: r.text, authorName: r.author_name, sentAt: trimFraction(r.at), readAt: r.read_at ? trimFraction(r.read_at) : null } }
      : { source: 'care-note', note: { id: r.id, patientId, kind: r.kind ?? 'note', text: r.text, outcome: r.outcome, authorName: r.author_name, createdAt: trimFraction(r.at) } },
  );
}

export async function communicationTotal(db: Queryable, patientId: string): Promise<number> {
  const { rows } = await db.query<{ total: string }>('SELECT (SELECT count(*) FROM messages WHERE patient_id = $1) + (SELECT count(*) FROM care_notes WHERE patient_id = $1) AS total', [patientId]);
  return Number(rows[0]?.total ?? 0);
}
