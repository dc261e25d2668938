import type { Queryable } from '../db/db';

/** A reminder this instance may now post: claimed in `reminders` (migration 130). */
export interface ClaimedReminder {
  patientId: string;
  activity: string;
  /** deliveries tried in earlier runs */
  attempts: number;
}

/**
 * The patients a run looks at, a page at a time in id order: all but those paused now (in
 * hospital) and those discharged (their programme has ended). `after` is the last id of the
 * previous page.
 */
export async function remindablePatientIds(db: Queryable, now: Date, after: string | null, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM patients WHERE (paused_until IS NULL OR paused_until <= $1) AND discharged_at IS NULL AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3`,
    [now, after, limit],
  );
  return rows.map((r) => r.id);
}

/**
 * Claims the due reminders of one day for this run, one statement for the page: a reminder never
 * seen is inserted as 'sending'; one that failed before (fewer than `maxAttempts` times), or whose
 * claim is older than `staleBefore` (its instance died mid-post), is taken again; one sent, or
 * being sent by another instance, is left alone. Only what is returned may be posted.
 */
export async function claimReminders(
  db: Queryable,
  due: ReadonlyArray<{ patientId: string; activity: string }>,
  date: string,
  now: Date,
  staleBefore: Date,
  maxAttempts: number,
): Promise<ClaimedReminder[]> {
  if (due.length === 0) return [];
  const { rows } = await db.query<{ patient_id: string; activity: string; attempts: number }>(
    `INSERT INTO reminders (patient_id, activity, due_date, status, attempts, claimed_at)
     SELECT u.patient_id, u.activity, $3::date, 'sending', 0, $4 FROM unnest($1::text[], $2::text[]) AS u(patient_id, activity)
     ON CONFLICT (patient_id, activity, due_date) DO UPDATE SET status = 'sending', claimed_at = EXCLUDED.claimed_at
      WHERE reminders.attempts < $6 AND (reminders.status = 'failed' OR (reminders.status = 'sending' AND reminders.claimed_at < $5))
     RETURNING patient_id, activity, attempts`,
    [due.map((d) => d.patientId), due.map((d) => d.activity), date, now, staleBefore, maxAttempts],
  );
  return rows.map((r) => ({ patientId: r.patient_id, activity: r.activity, attempts: r.attempts }));
}

/** The receiver took it (2xx): it is never posted again. */
export async function markSent(db: Queryable, r: { patientId: string; activity: string }, date: string, at: Date): Promise<void> {
  await db.query(`UPDATE reminders SET status = 'sent', sent_at = $4, attempts = attempts + 1, last_error = NULL WHERE patient_id = $1 AND activity = $2 AND due_date = $3::date`, [
    r.patientId,
    r.activity,
    date,
    at,
  ]);
}

/** Every try of this run failed: the next run tries again while the item is still due that day. */
export async function markFailed(db: Queryable, r: { patientId: string; activity: string }, date: string, error: string): Promise<void> {
  await db.query(`UPDATE reminders SET status = 'failed', attempts = attempts + 1, last_error = $4 WHERE patient_id = $1 AND activity = $2 AND due_date = $3::date`, [
    r.patientId,
    r.activity,
    date,
    error.slice(0, 500),
  ]);
}
