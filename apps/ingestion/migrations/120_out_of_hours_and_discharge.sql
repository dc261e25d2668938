-- Issue 17, item 7: each care team's service hours (ISO weekdays, wall-clock HH:MM in Copenhagen,
-- from included, to excluded) and whom its patients call out of hours (1813 in Region Hovedstaden,
-- elsewhere the GP on call). The default, weekdays 08:00-15:00, is a default for clinical review
-- (libs/rules/README.md); each team states its own.
ALTER TABLE care_teams ADD COLUMN service_hours jsonb NOT NULL DEFAULT '{"weekdays": [1, 2, 3, 4, 5], "from": "08:00", "to": "15:00"}'::jsonb;
ALTER TABLE care_teams ADD COLUMN out_of_hours_helpline text NOT NULL DEFAULT '1813' CHECK (out_of_hours_helpline IN ('1813', 'vagtlaege'));

-- Issue 17, item 9: the end of the programme, distinct from a pause. Readings are still stored;
-- a discharged patient raises no alerts and no missing data.
ALTER TABLE patients ADD COLUMN discharged_at timestamptz;
ALTER TABLE patients ADD COLUMN discharged_by text;
