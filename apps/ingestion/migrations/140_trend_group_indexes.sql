-- The trend aggregates keep only the index a patient's trend is read by (111). TimescaleDB gave
-- each aggregate an index per grouping column, (code, bucket) and (patient_id, bucket); the
-- embedded database never gathers statistics (no autovacuum there), so on every chunk the
-- planner costs (code, bucket) and (patient_id, code, bucket) the same and took the first: it read
-- every patient's buckets of the code, 70,000 rows a chunk for one patient's 70 (1,000 patients
-- with a year each: p95 1.9 s on a fresh database; issue 16). No read filters by code or patient
-- alone. Dropped on the aggregates' hypertables, so on every chunk, present and future.
DO $$
DECLARE
  idx regclass;
BEGIN
  FOR idx IN
    SELECT i.indexrelid::regclass
      FROM timescaledb_information.continuous_aggregates c
      JOIN pg_class t ON t.relname = c.materialization_hypertable_name
                     AND t.relnamespace = c.materialization_hypertable_schema::regnamespace
      JOIN pg_index i ON i.indrelid = t.oid
     WHERE c.view_name IN ('observations_hourly', 'observations_daily')
       AND (SELECT array_agg(a.attname::text ORDER BY k.ord)
              FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)
           IN (ARRAY['code', 'bucket'], ARRAY['patient_id', 'bucket'])
  LOOP
    EXECUTE format('DROP INDEX %s', idx);
  END LOOP;
END $$;
