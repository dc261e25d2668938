-- Plain PostgreSQL (no timescaledb extension on this server): nothing to create. The plain
-- variants of 002 and 003 give the same tables, keys, indexes and trend answers without it.
SELECT 1;
