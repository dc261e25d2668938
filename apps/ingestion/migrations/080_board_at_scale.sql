-- The board at a ward's scale (issue 16/18): the nurse responsible for a patient, and the indexes
-- the board's list, search and audit read use.

-- "Mine" on the board: the nurse responsible. A user who is removed leaves the patient unassigned.
ALTER TABLE patients ADD COLUMN assignee_id text REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX patients_assignee_idx ON patients (assignee_id) WHERE assignee_id IS NOT NULL;

-- The board's worst unresolved alert per patient: a range scan of this patient's open alerts
-- only, not of every alert they ever had.
CREATE INDEX alerts_unresolved_patient_idx ON alerts (patient_id, severity, raised_at) WHERE status <> 'resolved';

-- A board read is one audit row listing its patients in detail.patientIds (not one row per
-- patient); "who read pt-001" finds those rows through this index as well as through patient_id.
CREATE INDEX audit_log_listed_patients_idx ON audit_log USING gin ((detail -> 'patientIds'));
