-- The time series on plain PostgreSQL: the same columns, unique key and index as the hypertable
-- (002_observations.sql); no chunks, so no compression.

CREATE TABLE observations (
  measured_at     timestamptz NOT NULL,
  patient_id      text NOT NULL,
  measurement_id  text NOT NULL,
  code            text NOT NULL,
  value           double precision NOT NULL,
  unit            text NOT NULL,
  device_id       text NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (measurement_id, code, measured_at)
);

-- Reads are "one patient, one code, a time range".
CREATE INDEX observations_patient_code_time_idx ON observations (patient_id, code, measured_at DESC);

-- create_hypertable makes this one on the hypertable: time-range scans (retention, the bench).
CREATE INDEX observations_measured_at_idx ON observations (measured_at DESC);
