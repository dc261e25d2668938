-- Care plans, questionnaire answers and the patient's own sign-in (ARCHITECTURE.md §10).

-- A patient's care plan: what to measure or answer, how often, in which phase, counted in days
-- from started_at. Every change is a new row and no row is changed: the latest is in force, the
-- others are its history. A patient with no row follows the programme's default plan from
-- enrolment.
CREATE TABLE care_plans (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patient_id  text NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
  -- 1, 2, ... per patient; the highest is in force
  version     integer NOT NULL CHECK (version >= 1),
  -- { "activities": [{ "activity", "timesPerDay"?, "timesPerWeek"?, "fromDay"?, "toDay"? }] } (CarePlanSchema)
  plan        jsonb NOT NULL,
  -- day 0 of the plan
  started_at  timestamptz NOT NULL,
  -- the user who set it ('system' for the programme default written at enrolment or by the demo seed)
  changed_by  text,
  changed_at  timestamptz NOT NULL DEFAULT now()
);
-- The plan in force is one probe of this index per patient (patientsForRules reads it with the patient).
CREATE UNIQUE INDEX care_plans_patient_version_idx ON care_plans (patient_id, version DESC);

-- The answers a patient gave to a questionnaire, one row per response. The id is made by the
-- patient's app when they press "send", so a response sent again (offline, then back) is stored
-- once. Triage and score are worked out from the definition when the response arrives and kept
-- with it, as the alert it raised keeps its threshold.
CREATE TABLE questionnaire_responses (
  id                     text PRIMARY KEY,
  patient_id             text NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
  questionnaire_id       text NOT NULL,
  questionnaire_version  text NOT NULL,
  authored_at            timestamptz NOT NULL,
  received_at            timestamptz NOT NULL DEFAULT now(),
  -- [{ "linkId", "value", "triage", "score" }]: the answers as sent, each with its colour and score
  answers                jsonb NOT NULL,
  triage                 text NOT NULL CHECK (triage IN ('green', 'yellow', 'red')),
  score                  double precision,
  -- the total's band from the definition, or null
  band                   jsonb,
  -- ids of the definition's answer combinations that applied
  combinations           text[] NOT NULL DEFAULT '{}',
  -- the user who sent it (the patient, or a demo home)
  submitted_by           text
);
CREATE INDEX questionnaire_responses_patient_idx ON questionnaire_responses (patient_id, authored_at DESC);

-- A patient signs in to their own app: role 'patient', linked to the patient they are. A
-- clinician has no patient; a patient user always has one, and each patient at most one sign-in.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('nurse', 'homecare', 'admin', 'patient'));
ALTER TABLE users ADD COLUMN patient_id text REFERENCES patients (id) ON DELETE CASCADE;
ALTER TABLE users ADD CONSTRAINT users_patient_link CHECK ((role = 'patient') = (patient_id IS NOT NULL));
CREATE UNIQUE INDEX users_one_per_patient ON users (patient_id) WHERE patient_id IS NOT NULL;

-- The number a patient calls: the care team's phone, shown in the patient's app.
ALTER TABLE care_teams ADD COLUMN phone text;
