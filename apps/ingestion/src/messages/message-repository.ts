import type { Message } from '@tm/contracts';
import type { Queryable } from '../db/db';

interface MessageRow {
  id: string;
  patient_id: string;
  direction: Message['direction'];
  text: string;
  author_name: string;
  author_role: string;
  sent_at: Date;
  read_at: Date | null;
}

const messageOf = (r: MessageRow): Message => ({
  id: r.id,
  patientId: r.patient_id,
  direction: r.direction,
  text: r.text,
  authorName: r.author_name,
  authorRole: r.author_role,
  sentAt: r.sent_at.toISOString(),
  readAt: r.read_at ? r.read_at.toISOString() : null,
});

export interface NewMessage {
  id: string;
  patientId: string;
  direction: Message['direction'];
  text: string;
  author: { id: string; displayName: string; role: string };
  sentAt: Date;
}

/** Adds the message unless its id is stored already; true when this call stored it. */
export async function insertMessage(db: Queryable, m: NewMessage): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO messages (id, patient_id, direction, text, author_user_id, author_name, author_role, sent_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
    [m.id, m.patientId, m.direction, m.text, m.author.id, m.author.displayName, m.author.role, m.sentAt],
  );
  return (rowCount ?? 0) > 0;
}

export async function messageById(db: Queryable, id: string): Promise<Message | null> {
  const { rows } = await db.query<MessageRow>('SELECT * FROM messages WHERE id = $1', [id]);
  return rows[0] ? messageOf(rows[0]) : null;
}

/** The patient's thread, oldest first (the latest `limit`). */
export async function threadOf(db: Queryable, patientId: string, limit = 500): Promise<Message[]> {
  const { rows } = await db.query<MessageRow>(
    `SELECT * FROM (SELECT * FROM messages WHERE patient_id = $1 ORDER BY sent_at DESC, id DESC LIMIT $2) latest ORDER BY sent_at, id`,
    [patientId, limit],
  );
  return rows.map(messageOf);
}

/** Marks the unread messages of one direction as read; the ids marked. */
export async function markRead(db: Queryable, patientId: string, direction: Message['direction'], readBy: string, at: Date): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE messages SET read_at = $4, read_by = $3 WHERE patient_id = $1 AND direction = $2 AND read_at IS NULL RETURNING id`,
    [patientId, direction, readBy, at],
  );
  return rows.map((r) => r.id);
}
