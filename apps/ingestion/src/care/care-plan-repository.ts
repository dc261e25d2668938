import { MEASUREMENT_TYPES, type ActivityName, type CarePlan, type CarePlanVersion, type PatientCarePlan } from '@tm/contracts';
import { activityOfMeasurement, activityOfQuestionnaire, addDays, dateOfDayNumber, dayNumber, PLAN_TIME_ZONE, planDayOf, PROGRAMME_PLANS, startOfLocalDay, type Received } from '@tm/rules';
import type { Queryable } from '../db/db';
import { planInForce, type PatientForRules } from '../triage/thresholds-repository';

/** Who writes the programme default plans (demo seed, enrolment). */
export const SYSTEM_PLAN_AUTHOR = 'system';

/** The plan in force as GET .../plan answers it. */
export function planView(patient: PatientForRules, now: Date): PatientCarePlan {
  const inForce = planInForce(patient);
  const stored = patient.plan;
  return {
    patientId: patient.id,
    programme: patient.programme,
    plan: inForce.plan,
    startedAt: inForce.startedAt.toISOString(),
    version: stored?.version ?? 0,
    programmeDefault: isSamePlan(inForce.plan, PROGRAMME_PLANS[patient.programme]),
    changedBy: stored?.changedBy ?? null,
    changedAt: stored?.changedAt.toISOString() ?? null,
    today: planDayOf(inForce.startedAt, now, PLAN_TIME_ZONE),
    timeZone: PLAN_TIME_ZONE,
  };
}

function isSamePlan(a: CarePlan, b: CarePlan): boolean {
  const key = (p: CarePlan) => JSON.stringify(p.activities.map((x) => [x.activity, x.timesPerDay ?? null, x.timesPerWeek ?? null, x.fromDay ?? 0, x.toDay ?? null]));
  return key(a) === key(b);
}

/**
 * Stores a new version of each patient's plan (the next version number per patient), one
 * statement for the lot; the caller holds the patients' locks. Nothing is ever updated: the
 * latest version is in force and the older ones are its history.
 */
export async function savePlans(
  tx: Queryable,
  plans: readonly { patientId: string; plan: CarePlan; startedAt: Date }[],
  changedBy: string,
  at: Date,
): Promise<Map<string, number>> {
  if (plans.length === 0) return new Map();
  const { rows } = await tx.query<{ patient_id: string; version: number }>(
    `INSERT INTO care_plans (patient_id, version, plan, started_at, changed_by, changed_at)
     SELECT n.patient_id, coalesce((SELECT max(version) FROM care_plans c WHERE c.patient_id = n.patient_id), 0) + 1, n.plan, n.started_at, $4, $5
       FROM unnest($1::text[], $2::jsonb[], $3::timestamptz[]) AS n(patient_id, plan, started_at)
     RETURNING patient_id, version`,
    [plans.map((p) => p.patientId), plans.map((p) => JSON.stringify(p.plan)), plans.map((p) => p.startedAt), changedBy, at],
  );
  return new Map(rows.map((r) => [r.patient_id, r.version]));
}

/** Every stored version of a patient's plan, newest first. */
export async function planVersions(db: Queryable, patientId: string): Promise<CarePlanVersion[]> {
  const { rows } = await db.query<{ version: number; plan: CarePlan; started_at: Date; changed_by: string | null; changed_at: Date }>(
    'SELECT version, plan, started_at, changed_by, changed_at FROM care_plans WHERE patient_id = $1 ORDER BY version DESC',
    [patientId],
  );
  return rows.map((r) => ({ version: r.version, plan: r.plan, startedAt: r.started_at.toISOString(), changedBy: r.changed_by, changedAt: r.changed_at.toISOString() }));
}

/**
 * What the hospital received from a patient between two instants, as plan activities: each
 * measurement (the ledger, by measurement time) and each questionnaire response (by when it was
 * answered). Two index range scans.
 */
export async function receivedBetween(db: Queryable, patientId: string, from: Date, to: Date): Promise<Received[]> {
  const { rows } = await db.query<{ kind: 'measurement' | 'questionnaire'; name: string; at: Date }>(
    `SELECT 'measurement' AS kind, type AS name, measured_at AS at FROM measurements WHERE patient_id = $1 AND measured_at >= $2 AND measured_at < $3
     UNION ALL
     SELECT 'questionnaire', questionnaire_id, authored_at FROM questionnaire_responses WHERE patient_id = $1 AND authored_at >= $2 AND authored_at < $3`,
    [patientId, from, to],
  );
  return rows.map((r) => ({ activity: activityOf(r.kind, r.name), at: r.at }));
}

/** The same for many patients at once, each reading with its instant: one statement, two index range scans per patient. */
export async function receivedByPatient(db: Queryable, patientIds: readonly string[], from: Date, to: Date): Promise<Map<string, Received[]>> {
  const byPatient = new Map<string, Received[]>();
  if (patientIds.length === 0) return byPatient;
  const { rows } = await db.query<{ patient_id: string; kind: 'measurement' | 'questionnaire'; name: string; at: Date }>(
    `SELECT patient_id, 'measurement' AS kind, type AS name, measured_at AS at FROM measurements WHERE patient_id = ANY($1) AND measured_at >= $2 AND measured_at < $3
     UNION ALL
     SELECT patient_id, 'questionnaire', questionnaire_id, authored_at FROM questionnaire_responses WHERE patient_id = ANY($1) AND authored_at >= $2 AND authored_at < $3`,
    [patientIds, from, to],
  );
  for (const r of rows) {
    // appended in place: copying the list per row made a busy week quadratic at a ward's size
    const list = byPatient.get(r.patient_id);
    const item = { activity: activityOf(r.kind, r.name), at: r.at };
    if (list) list.push(item);
    else byPatient.set(r.patient_id, [item]);
  }
  return byPatient;
}

/**
 * What each of many patients sent (the board's adherence column), from local date `from` to `to`
 * (both included), counted per local day in the database: one count per patient, activity and day
 * instead of a row per reading, all of it in one JSON value (the embedded database pays per row
 * and per timestamp it writes out), the measurements through their (patient, type, time) index.
 * A day's count comes back as that many receipts at the day's first instant: the adherence count
 * reads nothing else of them (the local day each was received on).
 */
export async function receivedPerDayByPatient(db: Queryable, patientIds: readonly string[], from: string, to: string, timeZone = PLAN_TIME_ZONE): Promise<Map<string, Received[]>> {
  const byPatient = new Map<string, Received[]>();
  if (patientIds.length === 0) return byPatient;
  const dayStarts: Date[] = [];
  for (let n = dayNumber(from); n <= dayNumber(to); n++) dayStarts.push(startOfLocalDay(dateOfDayNumber(n), timeZone));
  const end = startOfLocalDay(addDays(to, 1), timeZone);
  const { rows } = await db.query<{ counts: Array<[patientId: string, kind: 'measurement' | 'questionnaire', name: string, day: number, count: number]> | null }>(
    `SELECT json_agg(json_build_array(patient_id, kind, name, day, n)) AS counts FROM (
       SELECT m.patient_id, 'measurement' AS kind, m.type AS name, width_bucket(m.measured_at, $2::timestamptz[]) AS day, count(*) AS n
         FROM unnest($1::text[]) AS v(id) JOIN measurements m ON m.patient_id = v.id
        WHERE m.type = ANY ($4::text[]) AND m.measured_at >= $2[1] AND m.measured_at < $3
        GROUP BY 1, 3, 4
       UNION ALL
       SELECT q.patient_id, 'questionnaire', q.questionnaire_id, width_bucket(q.authored_at, $2::timestamptz[]), count(*)
         FROM unnest($1::text[]) AS v(id) JOIN questionnaire_responses q ON q.patient_id = v.id
        WHERE q.authored_at >= $2[1] AND q.authored_at < $3
        GROUP BY 1, 3, 4) counted`,
    [patientIds, dayStarts, end, MEASUREMENT_TYPES],
  );
  for (const [patientId, kind, name, day, count] of rows[0]?.counts ?? []) {
    const at = dayStarts[day - 1];
    if (at === undefined) continue;
    const list = byPatient.get(patientId) ?? [];
    if (list.length === 0) byPatient.set(patientId, list);
    const activity = activityOf(kind, name);
    for (let i = 0; i < count; i++) list.push({ activity, at });
  }
  return byPatient;
}

const activityOf = (kind: 'measurement' | 'questionnaire', name: string): ActivityName =>
  kind === 'measurement' ? activityOfMeasurement(name as Parameters<typeof activityOfMeasurement>[0]) : activityOfQuestionnaire(name);

/** The latest received per activity, of any day: last seen per measurement type, latest answer per questionnaire. */
export async function lastReceived(db: Queryable, patientId: string): Promise<Map<ActivityName, Date>> {
  const { rows } = await db.query<{ kind: 'measurement' | 'questionnaire'; name: string; at: Date }>(
    `SELECT 'measurement' AS kind, type AS name, last_measured_at AS at FROM patient_last_seen WHERE patient_id = $1
     UNION ALL
     SELECT 'questionnaire', questionnaire_id, max(authored_at) FROM questionnaire_responses WHERE patient_id = $1 GROUP BY questionnaire_id`,
    [patientId],
  );
  return new Map(rows.map((r) => [activityOf(r.kind, r.name), r.at]));
}
