-- The value an alert showed when a nurse acknowledged it: a later red materially worse than it is a
-- new red (issue 17, item 1; applyFinding in @tm/rules). NULL on rows acknowledged before this
-- column: those compare with the value the alert shows.
ALTER TABLE alerts ADD COLUMN acknowledged_value double precision;
