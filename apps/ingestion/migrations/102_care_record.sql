-- The care record hospital and home care share: notes, calls, visits, video consultations.
CREATE TABLE care_notes (
  id              bigserial PRIMARY KEY,
  patient_id      text NOT NULL REFERENCES patients (id),
  kind            text NOT NULL CHECK (kind IN ('note', 'call', 'visit', 'video')),
  text            text NOT NULL,
  outcome         text,
  author_user_id  text,
  author_name     text NOT NULL,
  author_role     text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX care_notes_patient_time_idx ON care_notes (patient_id, created_at);

-- Who to call: the patient's phone, relatives (with their consent to be contacted), the GP.
CREATE TABLE patient_contacts (
  patient_id      text PRIMARY KEY REFERENCES patients (id),
  phone           text,
  relatives       jsonb NOT NULL DEFAULT '[]'::jsonb,
  gp              jsonb,
  updated_by      text,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
