-- migrate:no-transaction
-- Hourly and daily trends per patient and code. Real-time aggregation (materialized_only = false)
-- adds rows newer than the last refresh; ingestion refreshes the window a batch touched, so
-- readings back-filled days later are in the trends too (timescaledb#8132).

CREATE MATERIALIZED VIEW observations_hourly
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 hour', measured_at) AS bucket,
       patient_id,
       code,
       min(value) AS min,
       max(value) AS max,
       avg(value) AS avg,
       last(value, measured_at) AS last,
       count(*) AS count
FROM observations
GROUP BY bucket, patient_id, code
WITH NO DATA;
-- statement
CREATE MATERIALIZED VIEW observations_daily
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 day', measured_at) AS bucket,
       patient_id,
       code,
       min(value) AS min,
       max(value) AS max,
       avg(value) AS avg,
       last(value, measured_at) AS last,
       count(*) AS count
FROM observations
GROUP BY bucket, patient_id, code
WITH NO DATA;
-- statement
SELECT add_continuous_aggregate_policy('observations_hourly',
  start_offset => INTERVAL '3 days', end_offset => NULL, schedule_interval => INTERVAL '15 minutes');
-- statement
SELECT add_continuous_aggregate_policy('observations_daily',
  start_offset => INTERVAL '30 days', end_offset => NULL, schedule_interval => INTERVAL '1 hour');
