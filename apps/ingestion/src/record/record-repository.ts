import type { CareNote, CareNoteBody, Contacts, ContactsBody } from '@tm/contracts';
import type { Queryable } from '../db/db';

/** A care_notes row, as the record and the handover read it. */
export interface NoteRow {
  id: string;
  patient_id: string;
  kind: CareNote['kind'];
  text: string;
  outcome: string | null;
  author_name: string;
  author_role: string;
  created_at: Date;
}

export const noteOf = (r: NoteRow): CareNote => ({
  id: String(r.id),
  patientId: r.patient_id,
  kind: r.kind,
  text: r.text,
  outcome: r.outcome,
  authorName: r.author_name,
  authorRole: r.author_role,
  createdAt: r.created_at.toISOString(),
});

/** The record's entries, newest first (the latest `limit`). */
export async function notesOf(db: Queryable, patientId: string, limit = 500): Promise<CareNote[]> {
  const { rows } = await db.query<NoteRow>('SELECT * FROM care_notes WHERE patient_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2', [patientId, limit]);
  return rows.map(noteOf);
}

export async function insertNote(db: Queryable, patientId: string, note: CareNoteBody, author: { id: string; displayName: string; role: string }, at: Date): Promise<CareNote> {
  const { rows } = await db.query<NoteRow>(
    `INSERT INTO care_notes (patient_id, kind, text, outcome, author_user_id, author_name, author_role, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [patientId, note.kind, note.text, note.outcome ?? null, author.id, author.displayName, author.role, at],
  );
  return noteOf(rows[0]!);
}

export async function contactsOf(db: Queryable, patientId: string): Promise<Contacts> {
  const { rows } = await db.query<{ phone: string | null; relatives: Contacts['relatives']; gp: Contacts['gp']; updated_by: string | null; updated_at: Date }>(
    'SELECT phone, relatives, gp, updated_by, updated_at FROM patient_contacts WHERE patient_id = $1',
    [patientId],
  );
  const r = rows[0];
  if (!r) return { phone: null, relatives: [], gp: null, updatedBy: null, updatedAt: null };
  return { phone: r.phone, relatives: r.relatives, gp: r.gp, updatedBy: r.updated_by, updatedAt: r.updated_at.toISOString() };
}

export async function saveContacts(db: Queryable, patientId: string, c: ContactsBody, by: string, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO patient_contacts (patient_id, phone, relatives, gp, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (patient_id) DO UPDATE SET phone = excluded.phone, relatives = excluded.relatives, gp = excluded.gp, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    [patientId, c.phone, JSON.stringify(c.relatives), c.gp === null ? null : JSON.stringify(c.gp), by, at],
  );
}
