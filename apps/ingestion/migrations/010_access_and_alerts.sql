-- Clinicians, their care teams, the append-only audit log, per-patient thresholds, alerts and the
-- live event log the socket replays from.

CREATE TABLE users (
  id             text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  username       text NOT NULL UNIQUE,
  display_name   text NOT NULL,
  role           text NOT NULL CHECK (role IN ('nurse', 'homecare', 'admin')),
  -- scrypt hash (see security/secrets.ts); the password itself is never stored
  password_hash  text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  disabled_at    timestamptz
);

CREATE TABLE user_care_teams (
  user_id       text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  care_team_id  text NOT NULL REFERENCES care_teams (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, care_team_id)
);
CREATE INDEX user_care_teams_team_idx ON user_care_teams (care_team_id);

-- Who read or changed which patient's data, when and from where. Rows are only ever added.
CREATE TABLE audit_log (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  user_id         text,
  username        text NOT NULL,
  role            text NOT NULL,
  action          text NOT NULL,
  patient_id      text,
  source_address  text,
  detail          jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_patient_idx ON audit_log (patient_id, at DESC);
CREATE INDEX audit_log_user_idx ON audit_log (username, at DESC);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- A patient's personal thresholds; every change is a new row, the latest in force.
CREATE TABLE thresholds (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patient_id      text NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
  rules           jsonb NOT NULL,
  effective_from  timestamptz NOT NULL DEFAULT now(),
  changed_by      text
);
CREATE INDEX thresholds_patient_idx ON thresholds (patient_id, effective_from DESC, id DESC);

CREATE TABLE alerts (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patient_id        text NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
  rule              text NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('absolute', 'change', 'baseline', 'missing')),
  code              text,
  severity          text NOT NULL CHECK (severity IN ('yellow', 'red')),
  status            text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
  value             double precision,
  unit              text,
  message           text NOT NULL,
  measured_at       timestamptz,
  raised_at         timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  count             integer NOT NULL DEFAULT 1,
  late              boolean NOT NULL DEFAULT false,
  back_in_range     boolean NOT NULL DEFAULT false,
  escalated         boolean NOT NULL DEFAULT false,
  threshold         jsonb NOT NULL,
  acknowledged_by   text,
  acknowledged_at   timestamptz,
  acknowledge_note  text,
  resolved_by       text,
  resolved_at       timestamptz,
  resolve_note      text
);
-- One alert per patient and rule until it is resolved: repeats update it.
CREATE UNIQUE INDEX alerts_one_unresolved_per_rule ON alerts (patient_id, rule) WHERE status <> 'resolved';
CREATE INDEX alerts_status_idx ON alerts (status, raised_at DESC);
CREATE INDEX alerts_patient_idx ON alerts (patient_id, raised_at DESC);

-- Every event sent on /live, so a client back after a long gap gets what it missed (id = eventId).
CREATE TABLE live_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patient_id  text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('alert', 'observation')),
  payload     jsonb NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX live_events_patient_idx ON live_events (patient_id, id);
