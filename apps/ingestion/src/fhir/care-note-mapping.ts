import type { CareNoteKind } from '@tm/contracts';
import type { Communication, Encounter, Reference } from 'fhir/r4';
import type { Queryable } from '../db/db';
import { instantText, trimFraction } from './observation-repository';
import { RESOURCE_LANGUAGE } from './questionnaire-mapping';
import type { Cursor } from './searchset';
import { uuidFromName } from './uuid';

/** The platform's identifier system of care-record entries (replaced by a region's OID as SYSTEM's are). */
export const CARE_NOTE_ID_SYSTEM = 'urn:telemonitoring:care-note';
/** The kinds of entry of the shared care record, as a code system of the platform. */
export const CARE_NOTE_KIND_SYSTEM = 'urn:telemonitoring:care-note-kind';

/** An entry of the care record as the export reads it. */
export interface CareNoteRow {
  id: string;
  patientId: string;
  kind: CareNoteKind;
  text: string;
  outcome: string | null;
  authorName: string;
  createdAt: string;
}

const KIND_DISPLAY: Record<CareNoteKind, string> = { note: 'Notat', call: 'Opkald', visit: 'Besøg', video: 'Videokonsultation' };

/**
 * How a contact took place, as R4's Encounter.class (v3 ActCode): a call and a video consultation
 * are virtual, a visit is home health. A plain note is no contact and has no Encounter.
 */
const ENCOUNTER_CLASS: Record<Exclude<CareNoteKind, 'note'>, { code: string; display: string }> = {
  call: { code: 'VR', display: 'virtual' },
  video: { code: 'VR', display: 'virtual' },
  visit: { code: 'HH', display: 'home health' },
};

export const careNoteCommunicationUuid = (noteId: string): string => uuidFromName(`care-note/${noteId}`);
export const careNoteEncounterUuid = (noteId: string): string => uuidFromName(`care-note-encounter/${noteId}`);
/** The keyset id of a care-record entry among the patient's Communications: `/` never occurs in a message id. */
export const careNoteSourceId = (noteId: string): string => `care-note/${noteId}`;

const kindConcept = (kind: CareNoteKind) => ({ coding: [{ system: CARE_NOTE_KIND_SYSTEM, code: kind, display: KIND_DISPLAY[kind] }], text: KIND_DISPLAY[kind] });

/** A call, visit or video consultation as an R4 Encounter; null for a plain note. */
export function encounterFor(n: CareNoteRow): Encounter | null {
  if (n.kind === 'note') return null;
  const klass = ENCOUNTER_CLASS[n.kind];
  return {
    resourceType: 'Encounter',
    id: careNoteEncounterUuid(n.id),
    meta: { lastUpdated: n.createdAt },
    language: RESOURCE_LANGUAGE,
    identifier: [{ system: CARE_NOTE_ID_SYSTEM, value: n.id }],
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', ...klass },
    type: [kindConcept(n.kind)],
    subject: { reference: `Patient/${n.patientId}` },
    // the clinician by name: the export has no Practitioner resources
    participant: [{ individual: { display: n.authorName } }],
    // the record holds when the entry was written, not how long the contact lasted
    period: { start: n.createdAt },
  };
}

/**
 * An entry of the shared care record as an R4 Communication written by the clinician about the
 * patient: the text (and the outcome) as payload; a call, visit or video points to its Encounter.
 */
export function careNoteCommunicationFor(n: CareNoteRow): Communication {
  const encounter: Reference | undefined = n.kind === 'note' ? undefined : { reference: `urn:uuid:${careNoteEncounterUuid(n.id)}` };
  return {
    resourceType: 'Communication',
    id: careNoteCommunicationUuid(n.id),
    meta: { lastUpdated: n.createdAt },
    language: RESOURCE_LANGUAGE,
    identifier: [{ system: CARE_NOTE_ID_SYSTEM, value: n.id }],
    status: 'completed',
    category: [kindConcept(n.kind)],
    subject: { reference: `Patient/${n.patientId}` },
    ...(encounter ? { encounter } : {}),
    sent: n.createdAt,
    sender: { display: n.authorName },
    payload: [{ contentString: n.text }, ...(n.outcome ? [{ contentString: n.outcome }] : [])],
  };
}

interface NoteRow {
  id: string;
  kind: CareNoteKind;
  text: string;
  outcome: string | null;
  author_name: string;
  created_at: string;
}
const rowOf = (patientId: string, r: NoteRow): CareNoteRow => ({ id: String(r.id), patientId, kind: r.kind, text: r.text, outcome: r.outcome, authorName: r.author_name, createdAt: trimFraction(r.created_at) });

/** At most `limit` of a patient's calls, visits and video consultations, newest first, from the cursor's row on (inclusive), keyset on (created_at, id). */
export async function encounterNotesPage(db: Queryable, patientId: string, cursor: Cursor | null, limit: number): Promise<CareNoteRow[]> {
  const { rows } = await db.query<NoteRow>(
    `SELECT id::text AS id, kind, text, outcome, author_name, ${instantText('created_at')} AS created_at
       FROM care_notes
      WHERE patient_id = $1 AND kind <> 'note' AND ($2::timestamptz IS NULL OR (created_at <= $2 AND (created_at, id::text) <= ($2, $3)))
      ORDER BY created_at DESC, id::text DESC
      LIMIT $4`,
    [patientId, cursor?.at ?? null, cursor?.id ?? null, limit],
  );
  return rows.map((r) => rowOf(patientId, r));
}

export async function encounterTotal(db: Queryable, patientId: string): Promise<number> {
  const { rows } = await db.query<{ total: string }>(`SELECT count(*) AS total FROM care_notes WHERE patient_id = $1 AND kind <> 'note'`, [patientId]);
  return Number(rows[0]?.total ?? 0);
}
