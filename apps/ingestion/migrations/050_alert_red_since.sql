-- When each alert last became red (raised red, a yellow turned red, or a red come back after it
-- was dealt with): the board's "Siden" is when the patient entered their triage, not when a yellow
-- that later turned red was first raised.
ALTER TABLE alerts ADD COLUMN red_since timestamptz;
UPDATE alerts SET red_since = coalesce(reraised_at, raised_at) WHERE severity = 'red';
