-- Hourly and daily trends on plain PostgreSQL: views with the continuous aggregates' names and
-- columns, computed from observations on each read (one patient and code at a time, through
-- observations_patient_code_time_idx), so they answer the same as TimescaleDB's real-time
-- aggregates. date_bin from TimescaleDB's origin (Monday 2000-01-03 UTC) gives time_bucket's
-- buckets whatever the session's time zone.

CREATE VIEW observations_hourly AS
SELECT date_bin(INTERVAL '1 hour', measured_at, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS bucket,
       patient_id,
       code,
       min(value) AS min,
       max(value) AS max,
       avg(value) AS avg,
       (array_agg(value ORDER BY measured_at DESC))[1] AS last,
       count(*) AS count
FROM observations
GROUP BY 1, patient_id, code;

CREATE VIEW observations_daily AS
SELECT date_bin(INTERVAL '1 day', measured_at, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS bucket,
       patient_id,
       code,
       min(value) AS min,
       max(value) AS max,
       avg(value) AS avg,
       (array_agg(value ORDER BY measured_at DESC))[1] AS last,
       count(*) AS count
FROM observations
GROUP BY 1, patient_id, code;

-- Ingestion refreshes the window a batch touched (measurement-repository.ts); views are always
-- current, so on plain PostgreSQL that call has nothing to do.
CREATE PROCEDURE refresh_continuous_aggregate(continuous_aggregate regclass, window_start timestamptz, window_end timestamptz)
LANGUAGE plpgsql AS $$ BEGIN NULL; END $$;
