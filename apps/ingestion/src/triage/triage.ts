import { QUESTIONNAIRES, type Alert, type AnswerValue, type Flags, type Measurement, type QuestionnaireDefinition } from '@tm/contracts';
import {
  applyFinding,
  escalate,
  evaluate,
  historyRangesFor,
  isDischargedAt,
  isEscalationDue,
  isPausedAt,
  isStaleMissingData,
  limitsReviewFinding,
  PLAN_TIME_ZONE,
  planUnansweredFindings,
  questionnaireFindings,
  symptomReadingFindings,
  withinPause,
  type Finding,
  type NewAlert,
  type ObservationPoint,
} from '@tm/rules';
import type { ResponseRow } from '../care/questionnaire-repository';
import type { Queryable } from '../db/db';
import { appendLiveEvents, type LiveEvent, type NewObservationEvent } from '../live/live-events';
import { insertAlerts, saveAlerts, unresolvedAlerts } from './alert-store';
import { lastSeenOf, recordLastSeen } from './last-seen-repository';
import { lockPatients } from './patient-locks';
import { missingFindings, monitoredSince, patientsForRules, planInForce, rulesFor } from './thresholds-repository';

/**
 * How many stored points of one code a batch's rules may read per patient. Clinically a window
 * holds a few dozen (twice-daily readings over 14 days); the bound keeps a flood of readings
 * from making one batch's cost grow with the patient's history.
 */
export const MAX_HISTORY_POINTS = 200;

/** What a triage step committed: the live events to send after commit, and the alerts raised (new, worse, or back to open). */
export interface TriageOutcome {
  events: LiveEvent[];
  raised: Alert[];
  /** the alerts this step escalated, for the escalation route (the escalation timer only) */
  escalated?: Alert[];
}

/**
 * Checks a batch of newly stored measurements against their patients' rules, in the batch's own
 * transaction (the caller holds the patients' locks). A fixed number of statements per batch,
 * whatever its size and however much history its patients have: patients and rules, last seen
 * per type, history windows, open alerts, then one write each for new alerts, changed alerts and
 * live events.
 */
export async function triageStored(tx: Queryable, stored: readonly Measurement[], now: Date): Promise<TriageOutcome> {
  if (stored.length === 0) return { events: [], raised: [] };
  const patients = await patientsForRules(tx, [...new Set(stored.map((m) => m.patientId))]);
  const lastSeen = await recordLastSeen(tx, stored);

  const pointsByPatient = new Map<string, ObservationPoint[]>();
  // Readings measured during a pause (e.g. while admitted) are judged too, but only their reds are
  // kept (issue 17, item 9): a red is shown on the board, not escalated while the pause lasts.
  const duringPause = new Set<string>();
  for (const m of stored) {
    const patient = patients.get(m.patientId);
    // a discharged patient's readings are stored (the record is kept) and raise nothing (issue 17, item 9)
    if (!patient || isDischargedAt(patient, now)) continue;
    if (withinPause(patient, new Date(m.measuredAt))) duringPause.add(m.id);
    const points = pointsByPatient.get(m.patientId) ?? [];
    for (const c of m.components) points.push({ measurementId: m.id, code: c.code, value: c.value, unit: c.unit, measuredAt: new Date(m.measuredAt), flags: m.flags, type: m.type });
    pointsByPatient.set(m.patientId, points);
  }
  // the rules in force, derived once per patient and batch (plan and overrides applied)
  const rulesOf = new Map([...pointsByPatient.keys()].map((patientId) => [patientId, rulesFor(patients.get(patientId)!, now)]));
  const ranges = [...pointsByPatient].flatMap(([patientId, points]) => historyRangesFor(rulesOf.get(patientId)!, points).map((r) => ({ patientId, ...r })));
  const history = await historyWindows(tx, ranges);

  const findings = new Map<string, Finding[]>();
  for (const [patientId, points] of pointsByPatient) {
    const patient = patients.get(patientId)!;
    const rules = rulesOf.get(patientId)!;
    const types = new Set(stored.filter((m) => m.patientId === patientId && !duringPause.has(m.id)).map((m) => m.type));
    // Data of a type arriving can only end that type's missing-data alarm; the others are the timer's.
    const missing = rules.filter((r) => r.kind !== 'missing' || types.has(r.type));
    const evaluated = evaluate(rules, points, history.get(patientId) ?? []).filter((f) => f.measurementId === null || !duringPause.has(f.measurementId) || f.severity === 'red');
    findings.set(patientId, [...evaluated, ...missingFindings(patient, missing, lastSeen.get(patientId) ?? {}, now, monitoredSince(patient, now))]);
  }
  const observations: NewObservationEvent[] = stored.map((m) => ({ patientId: m.patientId, measurementId: m.id, type: m.type, components: m.components, measuredAt: m.measuredAt }));
  return applyFindings(tx, findings, now, observations);
}

/**
 * Checks newly stored questionnaire answers against their questionnaires (scored already), in the
 * answers' own transaction (the caller holds the patients' locks): one read of the patients, one of
 * each response's previous answers (for items that compare with the last answer), then the alert
 * writes of applyFindings. One alert per symptom (questionnaireFindings). An answer given during a
 * pause is kept but raises nothing.
 */
export async function triageAnswers(tx: Queryable, fresh: readonly ResponseRow[], definitions: ReadonlyMap<string, QuestionnaireDefinition>, now: Date): Promise<TriageOutcome> {
  if (fresh.length === 0) return { events: [], raised: [] };
  const patients = await patientsForRules(tx, [...new Set(fresh.map((r) => r.patientId))]);
  const previous = await previousAnswers(tx, fresh);
  const findings = new Map<string, Finding[]>();
  // oldest first, so a batch's later answer folds in after the earlier one
  for (const r of [...fresh].sort((a, b) => a.authoredAt.getTime() - b.authoredAt.getTime())) {
    const definition = definitions.get(r.id);
    const patient = patients.get(r.patientId);
    if (!definition || (patient && (withinPause(patient, r.authoredAt) || isDischargedAt(patient, now)))) continue;
    // the answer ends its questionnaire's "not answered" alarm (issue 17, item 6), as a reading ends its type's
    const answered = patient ? planUnansweredFindings(planInForce(patient), { [r.questionnaireId]: r.authoredAt }, now, monitoredSince(patient, now), { alsoCheck: [r.questionnaireId] }).filter((f) => f.threshold.questionnaireId === r.questionnaireId) : [];
    findings.set(r.patientId, [...(findings.get(r.patientId) ?? []), ...questionnaireFindings(definition, r, { previous: previous.get(r.id) ?? null }), ...answered]);
  }
  return applyFindings(tx, findings, now);
}

/**
 * For each response, the answers of the same patient's latest earlier response (by authoredAt) to
 * the same questionnaire, in one statement: each probe walks the (patient, authored_at) index. The
 * responses themselves are stored already and are left out by id.
 */
async function previousAnswers(tx: Queryable, responses: readonly ResponseRow[]): Promise<Map<string, { linkId: string; value: AnswerValue }[]>> {
  const { rows } = await tx.query<{ id: string; answers: { linkId: string; value: AnswerValue }[] }>(
    `SELECT r.id, p.answers
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS r(id, patient_id, questionnaire_id, authored_at)
       CROSS JOIN LATERAL (
         SELECT q.answers FROM questionnaire_responses q
          WHERE q.patient_id = r.patient_id AND q.questionnaire_id = r.questionnaire_id AND q.authored_at < r.authored_at AND q.id <> r.id
          ORDER BY q.authored_at DESC LIMIT 1) p`,
    [responses.map((r) => r.id), responses.map((r) => r.patientId), responses.map((r) => r.questionnaireId), responses.map((r) => r.authoredAt)],
  );
  return new Map(rows.map((r) => [r.id, r.answers.map((a) => ({ linkId: a.linkId, value: a.value }))]));
}

/**
 * Folds findings into the patients' open alerts (one per patient and rule) and writes what
 * changed, with its live events, in three statements after one read. The caller holds the locks.
 */
export async function applyFindings(tx: Queryable, findings: ReadonlyMap<string, readonly Finding[]>, now: Date, observations: readonly NewObservationEvent[] = []): Promise<TriageOutcome> {
  const withFindings = [...findings].filter(([, f]) => f.length > 0).map(([p]) => p);
  const open = withFindings.length > 0 ? await unresolvedAlerts(tx, withFindings) : [];
  const current = new Map(open.map((a) => [`${a.patientId}\u0000${a.rule}`, a]));
  const before = new Map(open.map((a) => [a.id, a]));
  const created = new Map<string, { patientId: string; alert: NewAlert }>();
  const updated = new Map<string, Alert>();

  for (const [patientId, fresh] of findings) {
    // a symptom and a reading pointing the same way, whichever arrived second (issue 17, item 5)
    const list = [...fresh, ...symptomReadingFindings(fresh, open.filter((a) => a.patientId === patientId))];
    for (const finding of list) {
      const key = `${patientId}\u0000${finding.rule}`;
      const fresh = created.get(key);
      const alert = fresh ? { ...fresh.alert, id: '', patientId } : (current.get(key) ?? null);
      const command = applyFinding(alert && alert.status !== 'resolved' ? alert : null, finding, now);
      if (command.type === 'none') continue;
      if (command.type === 'create' || fresh) {
        const { id: _id, patientId: _p, ...next } = { id: '', patientId, ...command.alert };
        created.set(key, { patientId, alert: next });
        continue;
      }
      updated.set(command.alert.id, command.alert);
      current.set(key, command.alert);
    }
  }

  // Updates first: an alert resolved by this step must be out of the way of the one that replaces it.
  const saved = await saveAlerts(tx, [...updated.values()]);
  const inserted = await insertAlerts(tx, [...created.values()]);
  const events = await appendLiveEvents(tx, [...inserted, ...saved], observations);
  const raised = [...inserted.filter((a) => a.status !== 'resolved'), ...saved.filter((a) => isRaisedAgain(before.get(a.id), a))];
  return { events, raised };
}

/** A yellow that turned red, or an alert someone had dealt with that is open again, needs a person again. */
function isRaisedAgain(before: Alert | undefined, after: Alert): boolean {
  if (!before || after.status === 'resolved') return false;
  return (before.severity === 'yellow' && after.severity === 'red') || (before.status !== 'open' && after.status === 'open');
}

/**
 * Missing data for these patients (every monitored patient when none are named), as of `now`:
 * one statement for patients and last seen, one for the open alerts, then the writes.
 */
export async function triageMissingData(tx: Queryable, now: Date, patientIds?: readonly string[]): Promise<TriageOutcome> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM patients WHERE (paused_until IS NULL OR paused_until <= $1) AND (discharged_at IS NULL OR discharged_at > $1) AND ($2::text[] IS NULL OR id = ANY($2)) ORDER BY id`,
    [now, patientIds ?? null],
  );
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return { events: [], raised: [] };
  await lockPatients(tx, ids);
  const patients = await patientsForRules(tx, ids);
  const lastSeen = await lastSeenOf(tx, ids);
  const lastAnswered = await lastAnsweredOf(tx, ids);
  const known = QUESTIONNAIRES.map((q) => q.id);
  const findings = new Map<string, Finding[]>();
  for (const patient of patients.values()) {
    if (isPausedAt(patient, now) || isDischargedAt(patient, now)) continue;
    // personal limits past their review date: a "review limits" yellow (issue 17, item 14)
    const review = patient.override ? [limitsReviewFinding(patient.limitsReviewAt, now)] : [];
    const since = monitoredSince(patient, now);
    // questionnaires the plan expects are watched like measurements (issue 17, item 6); the known ones off the plan clear theirs
    const unanswered = planUnansweredFindings(planInForce(patient), lastAnswered.get(patient.id) ?? {}, now, since, { timeZone: PLAN_TIME_ZONE, alsoCheck: known });
    findings.set(patient.id, [...missingFindings(patient, rulesFor(patient, now), lastSeen.get(patient.id) ?? {}, now, since), ...review, ...unanswered]);
  }
  return applyFindings(tx, findings, now);
}

/**
 * Escalates each red that nobody acknowledged within `afterMs` of `now`, and each missing-data
 * yellow open for `staleMissingAfterMs` (issue 17, item 6: escalated, still yellow). The escalated
 * alerts go back to the caller for the escalation route.
 */
export async function triageEscalations(tx: Queryable, now: Date, afterMs: number, staleMissingAfterMs: number): Promise<TriageOutcome> {
  // A paused patient's reds (measured during the pause, item 9) are shown, not escalated: the pause
  // means someone else has the patient (e.g. admitted). A discharged patient is nobody's to call.
  const { rows } = await tx.query<{ patient_id: string }>(
    `SELECT DISTINCT a.patient_id FROM alerts a JOIN patients p ON p.id = a.patient_id
      WHERE a.status = 'open' AND NOT a.escalated
        AND ((a.severity = 'red' AND a.raised_at <= $1) OR (a.severity = 'yellow' AND a.kind = 'missing' AND a.raised_at <= $3))
        AND (p.paused_until IS NULL OR p.paused_until <= $2) AND (p.discharged_at IS NULL OR p.discharged_at > $2)`,
    [new Date(now.getTime() - afterMs), now, new Date(now.getTime() - staleMissingAfterMs)],
  );
  const ids = rows.map((r) => r.patient_id);
  if (ids.length === 0) return { events: [], raised: [] };
  await lockPatients(tx, ids);
  const due = (await unresolvedAlerts(tx, ids)).filter((a) => isEscalationDue(a, now, afterMs) || isStaleMissingData(a, now, staleMissingAfterMs));
  const saved = await saveAlerts(tx, due.map((a) => escalate(a, now)));
  return { events: await appendLiveEvents(tx, saved, []), raised: [], escalated: saved };
}

/**
 * The latest answer (authoredAt) per patient and known questionnaire, one statement for all: each
 * probe walks the (patient, authored_at) index from the newest, not the patient's whole history.
 */
async function lastAnsweredOf(tx: Queryable, patientIds: readonly string[]): Promise<Map<string, Record<string, Date>>> {
  const { rows } = await tx.query<{ patient_id: string; questionnaire_id: string; last: Date }>(
    `SELECT p.patient_id, q.questionnaire_id, l.authored_at AS last
       FROM unnest($1::text[]) AS p(patient_id) CROSS JOIN unnest($2::text[]) AS q(questionnaire_id)
       CROSS JOIN LATERAL (
         SELECT r.authored_at FROM questionnaire_responses r
          WHERE r.patient_id = p.patient_id AND r.questionnaire_id = q.questionnaire_id ORDER BY r.authored_at DESC LIMIT 1) l`,
    [patientIds, QUESTIONNAIRES.map((q) => q.id)],
  );
  const out = new Map<string, Record<string, Date>>();
  for (const r of rows) out.set(r.patient_id, { ...(out.get(r.patient_id) ?? {}), [r.questionnaire_id]: r.last });
  return out;
}

/**
 * The stored points the rules need, for every patient and code of a batch in one statement: each
 * range walks the (patient, code, time) index and reads at most MAX_HISTORY_POINTS, the newest.
 */
async function historyWindows(tx: Queryable, ranges: readonly { patientId: string; code: string; from: Date; to: Date }[]): Promise<Map<string, ObservationPoint[]>> {
  const byPatient = new Map<string, ObservationPoint[]>();
  if (ranges.length === 0) return byPatient;
  const { rows } = await tx.query<{ patient_id: string; measurement_id: string; code: string; value: number; unit: string; measured_at: Date; flags: Flags | null }>(
    `SELECT r.patient_id, h.measurement_id, r.code, h.value, h.unit, h.measured_at, m.flags
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS r(patient_id, code, t0, t1)
       CROSS JOIN LATERAL (
         SELECT o.measurement_id, o.value, o.unit, o.measured_at FROM observations o
          WHERE o.patient_id = r.patient_id AND o.code = r.code AND o.measured_at BETWEEN r.t0 AND r.t1
          ORDER BY o.measured_at DESC LIMIT $5) h
       LEFT JOIN measurements m ON m.measurement_id = h.measurement_id`,
    [ranges.map((r) => r.patientId), ranges.map((r) => r.code), ranges.map((r) => r.from), ranges.map((r) => r.to), MAX_HISTORY_POINTS],
  );
  for (const r of rows) {
    const list = byPatient.get(r.patient_id) ?? [];
    // the device's quality flags and an uncertain time matter for history too: such points stay out of baselines and change windows
    list.push({ measurementId: r.measurement_id, code: r.code, value: r.value, unit: r.unit, measuredAt: r.measured_at, flags: r.flags ?? undefined });
    byPatient.set(r.patient_id, list);
  }
  return byPatient;
}
