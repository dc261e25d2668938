-- Messages between a patient and their care teams (ARCHITECTURE.md §12). The id is the client's for
-- a patient's message (a re-send is stored once); a clinician's gets a server-made one.
CREATE TABLE messages (
  id              text PRIMARY KEY,
  patient_id      text NOT NULL REFERENCES patients (id),
  direction       text NOT NULL CHECK (direction IN ('from_patient', 'to_patient')),
  text            text NOT NULL,
  author_user_id  text,
  author_name     text NOT NULL,
  author_role     text NOT NULL,
  sent_at         timestamptz NOT NULL DEFAULT now(),
  -- a patient's message until a clinician has read the thread; a clinician's until the patient has
  read_at         timestamptz,
  read_by         text
);
CREATE INDEX messages_patient_time_idx ON messages (patient_id, sent_at);

-- An unread patient message is an alert of rule 'patient-message' (kind 'message'): yellow on the
-- board, on the nurse's socket, resolved when a clinician reads the thread.
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('absolute', 'change', 'baseline', 'missing', 'flag', 'questionnaire', 'message'));
