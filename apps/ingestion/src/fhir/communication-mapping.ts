import type { Communication, Reference } from 'fhir/r4';
import type { Queryable } from '../db/db';
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

/** At most `limit` of a patient's messages, newest first, from the cursor's row on (inclusive), keyset on (sent_at, id). */
export async function messagesPage(db: Queryable, patientId: string, cursor: Cursor | null, limit: number): Promise<CommunicationRow[]> {
  const { rows } = await db.query<{ id: string; direction: CommunicationRow['direction']; text: string; author_name: string; sent_at: string; read_at: string | null }>(
    `SELECT id, direction, text, author_name, ${instantText('sent_at')} AS sent_at, CASE WHEN read_at IS NULL THEN NULL ELSE ${instantText('read_at')} END AS read_at
       FROM messages
      WHERE patient_id = $1 AND ($2::timestamptz IS NULL OR (sent_at <= $2 AND (sent_at, id) <= ($2, $3)))
      ORDER BY sent_at DESC, id DESC
      LIMIT $4`,
    [patientId, cursor?.at ?? null, cursor?.id ?? null, limit],
  );
  return rows.map((r) => ({ id: r.id, patientId, direction: r.direction, text: r.text, authorName: r.author_name, sentAt: trimFraction(r.sent_at), readAt: r.read_at ? trimFraction(r.read_at) : null }));
}

export async function messageTotal(db: Queryable, patientId: string): Promise<number> {
  const { rows } = await db.query<{ total: string }>('SELECT count(*) AS total FROM messages WHERE patient_id = $1', [patientId]);
  return Number(rows[0]?.total ?? 0);
}
