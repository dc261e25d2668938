-- The broker keeps every gateway's credential in memory and picks up changes every 2 s (issue 16:
-- a reconnect storm must not run one query per CONNECT). updated_at says which rows changed; it is
-- set from clock_timestamp() (not now(), the transaction's start) so a row committed late is not
-- stamped earlier than rows the reader has already seen; the reader also re-reads an overlap.
ALTER TABLE gateways ADD COLUMN updated_at timestamptz NOT NULL DEFAULT clock_timestamp();
CREATE INDEX gateways_updated_at ON gateways (updated_at);

CREATE FUNCTION gateways_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := clock_timestamp();
  RETURN NEW;
END
$$;

CREATE TRIGGER gateways_touch BEFORE UPDATE ON gateways FOR EACH ROW EXECUTE FUNCTION gateways_touch();

-- secret_hash now holds 'hmac-sha256$...' (new enrolments and rotations, keyed with a key derived
-- from JWT_SECRET) or a legacy 'scrypt$...' that is replaced by the HMAC at its first sign-in.
COMMENT ON COLUMN gateways.secret_hash IS 'hmac-sha256$<mac> keyed by the platform, or legacy scrypt$... upgraded at the next sign-in';
