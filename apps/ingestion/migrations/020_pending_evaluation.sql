-- A measurement is stored (and receipted) in one transaction and checked against the thresholds
-- in another. evaluated_at closes the gap: a measurement the alerting pipeline has not claimed,
-- say after a crash between the two commits, is evaluated again at start-up.
ALTER TABLE measurements ADD COLUMN evaluated_at timestamptz;
UPDATE measurements SET evaluated_at = received_at;
CREATE INDEX measurements_pending_evaluation_idx ON measurements (received_at) WHERE evaluated_at IS NULL;
