-- Personal limits a physician owns (issue 17, item 14): who approved them (a named physician) and
-- when they are due for review; past that date the patient gets a "review limits" yellow.
ALTER TABLE thresholds ADD COLUMN approved_by text;
ALTER TABLE thresholds ADD COLUMN review_at timestamptz;
