-- Who the patients are, which care teams follow them, and which gateways may speak for them.

CREATE TABLE care_teams (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('hospital', 'municipality')),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE patients (
  id            text PRIMARY KEY,
  display_name  text NOT NULL,
  programme     text NOT NULL CHECK (programme IN ('TeleKOL', 'TeleHjerte')),
  -- hours within which each expected measurement type should arrive, e.g. {"pulse_oximetry": 48}
  schedule      jsonb NOT NULL DEFAULT '{}'::jsonb,
  paused_until  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE patient_care_teams (
  patient_id    text NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
  care_team_id  text NOT NULL REFERENCES care_teams (id) ON DELETE CASCADE,
  PRIMARY KEY (patient_id, care_team_id)
);
CREATE INDEX patient_care_teams_team_idx ON patient_care_teams (care_team_id);

CREATE TABLE gateways (
  id           text PRIMARY KEY,
  -- scrypt hash of the gateway's MQTT password; the secret itself is never stored
  secret_hash  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);

-- A gateway may deliver measurements only for the patients bound to it.
CREATE TABLE gateway_patients (
  gateway_id  text NOT NULL REFERENCES gateways (id) ON DELETE CASCADE,
  patient_id  text NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
  bound_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (gateway_id, patient_id)
);
CREATE INDEX gateway_patients_patient_idx ON gateway_patients (patient_id);

-- The latest retained status of each gateway and its devices (battery, last seen).
CREATE TABLE gateway_status (
  gateway_id  text PRIMARY KEY REFERENCES gateways (id) ON DELETE CASCADE,
  state       text NOT NULL CHECK (state IN ('online', 'offline')),
  at          timestamptz NOT NULL,
  devices     jsonb NOT NULL DEFAULT '[]'::jsonb,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per measurement ever accepted: the idempotency ledger. It is a plain table, so the
-- "is this id new?" check never touches the compressed hypertable (timescaledb#6063, #5448, #7672).
CREATE TABLE measurements (
  measurement_id  text PRIMARY KEY,
  patient_id      text NOT NULL REFERENCES patients (id),
  gateway_id      text NOT NULL,
  type            text NOT NULL,
  device_id       text NOT NULL,
  device_model    text,
  time_source     text NOT NULL,
  flags           jsonb NOT NULL DEFAULT '{}'::jsonb,
  measured_at     timestamptz NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX measurements_patient_type_time_idx ON measurements (patient_id, type, measured_at DESC);

-- Nothing is silently dropped: every payload or measurement that failed validation, with why.
CREATE TABLE rejected_messages (
  id              bigserial PRIMARY KEY,
  received_at     timestamptz NOT NULL DEFAULT now(),
  gateway_id      text,
  topic           text NOT NULL,
  measurement_id  text,
  reason_code     text NOT NULL,
  reason          text NOT NULL,
  payload         text NOT NULL
);
CREATE INDEX rejected_messages_gateway_idx ON rejected_messages (gateway_id, received_at DESC);
