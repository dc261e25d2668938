import type { Alert, HandoverPatient, Message, Programme } from '@tm/contracts';
import type { Queryable } from '../db/db';
import { noteOf, type NoteRow } from '../record/record-repository';
import { alertOf } from '../triage/alert-store';

type AlertRow = Parameters<typeof alertOf>[0];

/**
 * What a handover reads, for all of the caller's patients at once: one statement per kind of fact
 * (patients, alerts, messages, notes, last note), each `patient_id = ANY($1)` on its patient-and-time
 * index, so the cost follows the patients and the period, never one query per patient.
 */
export async function handoverFacts(db: Queryable, patientIds: readonly string[], since: Date): Promise<HandoverPatient[]> {
  if (patientIds.length === 0) return [];
  const ids = [...patientIds];
  const [patients, alerts, messages, notes, lastNotes] = await Promise.all([
    db.query<{ id: string; display_name: string; programme: Programme }>('SELECT id, display_name, programme FROM patients WHERE id = ANY($1)', [ids]),
    // unresolved at any time, and those resolved since the start
    db.query<AlertRow>(`SELECT * FROM alerts WHERE patient_id = ANY($1) AND (status <> 'resolved' OR resolved_at >= $2) ORDER BY raised_at DESC, id DESC`, [ids, since]),
    db.query<{ id: string; patient_id: string; direction: Message['direction']; text: string; author_name: string; author_role: string; sent_at: Date; read_at: Date | null }>(
      `SELECT id, patient_id, direction, text, author_name, author_role, sent_at, read_at FROM messages
        WHERE patient_id = ANY($1) AND sent_at >= $2 AND direction = 'from_patient' ORDER BY sent_at, id`,
      [ids, since],
    ),
    db.query<NoteRow>('SELECT * FROM care_notes WHERE patient_id = ANY($1) AND created_at >= $2 ORDER BY created_at, id', [ids, since]),
    db.query<NoteRow>('SELECT DISTINCT ON (patient_id) * FROM care_notes WHERE patient_id = ANY($1) ORDER BY patient_id, created_at DESC, id DESC', [ids]),
  ]);
  const byPatient = new Map<string, HandoverPatient>(
    patients.rows.map((p) => [p.id, { patientId: p.id, displayName: p.display_name, programme: p.programme, openAlerts: [], resolvedAlerts: [], messages: [], notes: [], lastNote: null }]),
  );
  for (const row of alerts.rows) {
    const alert: Alert = alertOf(row);
    const entry = byPatient.get(alert.patientId);
    if (alert.status === 'resolved') entry?.resolvedAlerts.push(alert);
    else entry?.openAlerts.push(alert);
  }
  for (const m of messages.rows)
    byPatient.get(m.patient_id)?.messages.push({
      id: m.id,
      patientId: m.patient_id,
      direction: m.direction,
      text: m.text,
      authorName: m.author_name,
      authorRole: m.author_role,
      sentAt: m.sent_at.toISOString(),
      readAt: m.read_at ? m.read_at.toISOString() : null,
    });
  for (const n of notes.rows) byPatient.get(n.patient_id)?.notes.push(noteOf(n));
  for (const n of lastNotes.rows) {
    const entry = byPatient.get(n.patient_id);
    if (entry) entry.lastNote = noteOf(n);
  }
  return [...byPatient.values()];
}
