-- On plain PostgreSQL the trend views are computed from observations on each read (003): they
-- have no indexes of their own to drop.
SELECT 1;
