-- The reminders sent to REMINDER_WEBHOOK_URL (ARCHITECTURE.md §12): one row per patient, plan
-- activity and local day, so a reminder is never sent twice, across restarts and instances. A
-- row is claimed ('sending') before the post and marked 'sent' after the receiver's 2xx; a
-- 'failed' one, or a 'sending' one whose instance died mid-post (claimed_at long ago), is tried
-- again by the next run while the item is still due that day.
CREATE TABLE reminders (
  patient_id   text NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
  activity     text NOT NULL,
  due_date     date NOT NULL,
  status       text NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
  attempts     integer NOT NULL DEFAULT 0,
  claimed_at   timestamptz NOT NULL,
  sent_at      timestamptz,
  -- the last failure, for an operator: an HTTP status or a network error, never the payload
  last_error   text,
  PRIMARY KEY (patient_id, activity, due_date)
);
