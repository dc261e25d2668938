-- The board's summary of each patient (issue 16): what GET /api/patients shows besides the
-- patient's own row, kept up to date by the statements that change it, so a board read at a
-- ward's size (2,000 patients) is one join of three tables instead of grouping every patient's open
-- alerts, care teams and thresholds on each read. Last seen is not here: patient_last_seen is
-- already one row per patient and type, written by every batch, and the board reads it as it is.
CREATE TABLE patient_board (
  patient_id     text PRIMARY KEY REFERENCES patients (id) ON DELETE CASCADE,
  -- the worst alert not yet resolved (red before yellow), null for none; with it its message and value
  severity       text CHECK (severity IN ('yellow', 'red')),
  reason         text,
  value          double precision,
  -- when the patient entered that severity: the earliest of their unresolved alerts of it to reach it
  since          timestamptz,
  -- an alert of that severity nobody has acknowledged yet, and when the latest of those called for a
  -- nurse (raised or raised again): the board's order within a colour
  waiting        boolean NOT NULL DEFAULT false,
  called_at      timestamptz,
  care_teams     text[] NOT NULL DEFAULT '{}',
  -- the personal limits in force: who set them and when (null: the programme's defaults)
  limits_set_by  text,
  limits_set_at  timestamptz
);

-- The alert columns of the summary for these patients, from their unresolved alerts (through the
-- partial index alerts_unresolved_patient_idx of 080: a patient's open alerts only).
CREATE FUNCTION patient_board_alerts(ids text[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO patient_board (patient_id, severity, reason, value, since, waiting, called_at)
  SELECT p.id, w.severity, w.message, w.value, s.since, coalesce(s.waiting, false), s.called_at
    FROM (SELECT DISTINCT id FROM unnest(ids) AS u(id)) p
    JOIN patients ON patients.id = p.id
    LEFT JOIN LATERAL (
      SELECT a.severity, a.message, a.value FROM alerts a
       WHERE a.patient_id = p.id AND a.status <> 'resolved'
       ORDER BY (a.severity = 'red') DESC, a.raised_at LIMIT 1) w ON true
    LEFT JOIN LATERAL (
      SELECT min(CASE WHEN a.severity = 'red' THEN coalesce(a.red_since, a.raised_at) ELSE a.raised_at END) AS since,
             bool_or(a.status = 'open') AS waiting,
             max(greatest(a.raised_at, a.reraised_at, a.red_since)) FILTER (WHERE a.status = 'open') AS called_at
        FROM alerts a WHERE a.patient_id = p.id AND a.status <> 'resolved' AND a.severity = w.severity) s ON true
  ON CONFLICT (patient_id) DO UPDATE
    SET severity = EXCLUDED.severity, reason = EXCLUDED.reason, value = EXCLUDED.value, since = EXCLUDED.since,
        waiting = EXCLUDED.waiting, called_at = EXCLUDED.called_at
$$;

CREATE FUNCTION patient_board_care_teams(ids text[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO patient_board (patient_id, care_teams)
  SELECT p.id, coalesce((SELECT array_agg(pt.care_team_id ORDER BY pt.care_team_id) FROM patient_care_teams pt WHERE pt.patient_id = p.id), '{}')
    FROM (SELECT DISTINCT id FROM unnest(ids) AS u(id)) p JOIN patients ON patients.id = p.id
  ON CONFLICT (patient_id) DO UPDATE SET care_teams = EXCLUDED.care_teams
$$;

CREATE FUNCTION patient_board_limits(ids text[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO patient_board (patient_id, limits_set_by, limits_set_at)
  SELECT p.id, l.changed_by, l.effective_from
    FROM (SELECT DISTINCT id FROM unnest(ids) AS u(id)) p
    JOIN patients ON patients.id = p.id
    LEFT JOIN LATERAL (
      SELECT t.changed_by, t.effective_from FROM thresholds t WHERE t.patient_id = p.id ORDER BY t.effective_from DESC, t.id DESC LIMIT 1) l ON true
  ON CONFLICT (patient_id) DO UPDATE SET limits_set_by = EXCLUDED.limits_set_by, limits_set_at = EXCLUDED.limits_set_at
$$;

-- Statement triggers with transition tables: one refresh per statement for the patients it touched
-- (the triage step writes a batch's alerts in one statement), not one per row. Only statements that
-- change alerts pay for it; storing readings does not.
CREATE FUNCTION patient_board_touched() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids text[];
BEGIN
  IF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT patient_id) INTO ids FROM old_rows;
  ELSE
    SELECT array_agg(DISTINCT patient_id) INTO ids FROM new_rows;
  END IF;
  IF ids IS NULL THEN
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'alerts' THEN
    PERFORM patient_board_alerts(ids);
  ELSIF TG_TABLE_NAME = 'patient_care_teams' THEN
    PERFORM patient_board_care_teams(ids);
  ELSE
    PERFORM patient_board_limits(ids);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER patient_board_alerts_inserted AFTER INSERT ON alerts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION patient_board_touched();
CREATE TRIGGER patient_board_alerts_updated AFTER UPDATE ON alerts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION patient_board_touched();
CREATE TRIGGER patient_board_alerts_deleted AFTER DELETE ON alerts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION patient_board_touched();
CREATE TRIGGER patient_board_teams_inserted AFTER INSERT ON patient_care_teams REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION patient_board_touched();
CREATE TRIGGER patient_board_teams_updated AFTER UPDATE ON patient_care_teams REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION patient_board_touched();
CREATE TRIGGER patient_board_teams_deleted AFTER DELETE ON patient_care_teams REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION patient_board_touched();
CREATE TRIGGER patient_board_limits_inserted AFTER INSERT ON thresholds REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION patient_board_touched();
CREATE TRIGGER patient_board_limits_updated AFTER UPDATE ON thresholds REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION patient_board_touched();
CREATE TRIGGER patient_board_limits_deleted AFTER DELETE ON thresholds REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION patient_board_touched();

-- The summary of every patient there is.
SELECT patient_board_care_teams(ARRAY(SELECT id FROM patients));
SELECT patient_board_alerts(ARRAY(SELECT DISTINCT patient_id FROM alerts WHERE status <> 'resolved'));
SELECT patient_board_limits(ARRAY(SELECT DISTINCT patient_id FROM thresholds));
