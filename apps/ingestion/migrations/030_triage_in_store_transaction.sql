-- Readings are checked against the thresholds in the same transaction that stores them, so a
-- receipt means stored and evaluated: the pending-evaluation marker has no job left.
DROP INDEX IF EXISTS measurements_pending_evaluation_idx;
ALTER TABLE measurements DROP COLUMN IF EXISTS evaluated_at;

-- The latest measurement time of each type per patient, kept up to date by every batch, so the
-- missing-data rule never groups over a patient's whole history.
CREATE TABLE patient_last_seen (
  patient_id        text NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
  type              text NOT NULL,
  last_measured_at  timestamptz NOT NULL,
  PRIMARY KEY (patient_id, type)
);
INSERT INTO patient_last_seen (patient_id, type, last_measured_at)
SELECT patient_id, type, max(measured_at) FROM measurements GROUP BY patient_id, type;

-- A pause covers readings measured within it, whenever they arrive; monitoring resumes (and the
-- missing-data clock restarts) when the pause ends or is lifted.
ALTER TABLE patients ADD COLUMN paused_from timestamptz;
ALTER TABLE patients ADD COLUMN resumed_at timestamptz;
UPDATE patients SET paused_from = created_at WHERE paused_until IS NOT NULL;

-- Clients render an alert in their own language from a key and its parameters (numbers as numbers).
ALTER TABLE alerts ADD COLUMN message_key text NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN message_params jsonb NOT NULL DEFAULT '{}'::jsonb;
-- When the latest reading went back in range, and when an alert someone had dealt with came back
-- (it is a new red for the nurse, and its escalation clock starts again).
ALTER TABLE alerts ADD COLUMN back_in_range_at timestamptz;
ALTER TABLE alerts ADD COLUMN reraised_at timestamptz;
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('absolute', 'change', 'baseline', 'missing', 'flag', 'questionnaire'));

-- The observations of one batch and patient travel as one event row: one row per batch, not per reading.
ALTER TABLE live_events DROP CONSTRAINT live_events_kind_check;
ALTER TABLE live_events ADD CONSTRAINT live_events_kind_check CHECK (kind IN ('alert', 'observation', 'observations'));
