-- On plain PostgreSQL the trend views are computed from observations on each read, through
-- observations_patient_code_time_idx (003): there is nothing to index.
SELECT 1;
