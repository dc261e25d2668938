-- Readings typed by the patient or taken by a clinician go into the same ledger as a gateway's,
-- with where they came from and who entered them; they have no gateway.
ALTER TABLE measurements ADD COLUMN source text NOT NULL DEFAULT 'gateway' CHECK (source IN ('gateway', 'patient', 'clinician'));
ALTER TABLE measurements ADD COLUMN author_user_id text;
ALTER TABLE measurements ALTER COLUMN gateway_id DROP NOT NULL;

-- A clinician may mark a reading as wrong: it stays in the ledger with who, when and why.
ALTER TABLE measurements ADD COLUMN invalidated_at timestamptz;
ALTER TABLE measurements ADD COLUMN invalidated_by text;
ALTER TABLE measurements ADD COLUMN invalidation_reason text;

-- Its values move out of the observations hypertable (so trends, the continuous aggregates, the
-- rules' history windows and the reading lists no longer see it, without a filter in each) into
-- this table, where the record keeps them.
CREATE TABLE invalidated_observations (
  measured_at     timestamptz NOT NULL,
  patient_id      text NOT NULL,
  measurement_id  text NOT NULL,
  code            text NOT NULL,
  value           double precision NOT NULL,
  unit            text NOT NULL,
  device_id       text NOT NULL,
  received_at     timestamptz NOT NULL,
  PRIMARY KEY (measurement_id, code)
);
CREATE INDEX invalidated_observations_patient_idx ON invalidated_observations (patient_id, measured_at);
