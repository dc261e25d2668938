-- A patient's trend (GET /api/patients/:id/trends) reads one patient's and one code's buckets in
-- order. The aggregates' own indexes are (patient_id, bucket) and (code, bucket), and the embedded
-- database never gathers statistics (no autovacuum there) to tell them apart: it took (code,
-- bucket) and read every patient's buckets of the code, 365,000 rows for one patient's year at
-- 1,000 patients (p95 ~2 s; issue 16). This index answers the read exactly, in order.
CREATE INDEX observations_hourly_patient_code_bucket_idx ON observations_hourly (patient_id, code, bucket);
CREATE INDEX observations_daily_patient_code_bucket_idx ON observations_daily (patient_id, code, bucket);
