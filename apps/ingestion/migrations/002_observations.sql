-- The time series: one row per component of a measurement (systolic, diastolic, pulse ...).

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

SELECT create_hypertable('observations', by_range('measured_at', INTERVAL '7 days'));

-- Reads are "one patient, one code, a time range": that is the index and the compression segment.
CREATE INDEX observations_patient_code_time_idx ON observations (patient_id, code, measured_at DESC);

ALTER TABLE observations SET (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'patient_id, code',
  timescaledb.compress_orderby = 'measured_at DESC'
);
SELECT add_compression_policy('observations', INTERVAL '30 days');
