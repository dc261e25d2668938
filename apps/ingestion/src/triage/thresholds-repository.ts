import type { CarePlan, MeasurementType, PatientThresholds, Programme, ThresholdRule } from '@tm/contracts';
import { missingData, PLAN_TIME_ZONE, planMissingData, PROGRAMME_PLANS, rulesForPlan, rulesInForce, type Finding, type PatientOverride, type PlanInForce, type RuleInForce } from '@tm/rules';
import type { Queryable } from '../db/db';

/** A patient's stored care plan (the latest version); see care/care-plan-repository.ts. */
export interface StoredPlan {
  plan: CarePlan;
  startedAt: Date;
  version: number;
  changedBy: string | null;
  changedAt: Date;
}

export interface PatientForRules {
  id: string;
  programme: Programme;
  pausedUntil: Date | null;
  /** when the pause in force began: readings measured from then until pausedUntil are not evaluated */
  pausedFrom: Date | null;
  /** when a pause was last lifted early */
  resumedAt: Date | null;
  /** the end of the programme (issue 17, item 9); null while the patient is in it */
  dischargedAt: Date | null;
  createdAt: Date;
  /** hours within which each expected measurement type should arrive */
  schedule: Partial<Record<MeasurementType, number>>;
  override: PatientOverride | null;
  /** the physician who approved the personal limits in force, and when they are due for review */
  limitsApprovedBy: string | null;
  limitsReviewAt: Date | null;
  /** the latest stored care plan; null: the programme's default plan from enrolment */
  plan: StoredPlan | null;
}

interface PatientRuleRow {
  id: string;
  programme: Programme;
  paused_until: Date | null;
  paused_from: Date | null;
  resumed_at: Date | null;
  discharged_at: Date | null;
  created_at: Date;
  schedule: Record<string, unknown>;
  rules: ThresholdRule[] | null;
  effective_from: Date | null;
  changed_by: string | null;
  approved_by: string | null;
  review_at: Date | null;
  plan: CarePlan | null;
  plan_started_at: Date | null;
  plan_version: number | null;
  plan_changed_by: string | null;
  plan_changed_at: Date | null;
}

/**
 * Patients with their latest personal thresholds and their care plan in force (every change of
 * either is a new row; the latest is in force), one statement for all: each lateral join is one
 * probe of its (patient_id, time DESC) index.
 */
export async function patientsForRules(db: Queryable, patientIds: readonly string[]): Promise<Map<string, PatientForRules>> {
  const { rows } = await db.query<PatientRuleRow>(
    `SELECT p.id, p.programme, p.paused_until, p.paused_from, p.resumed_at, p.discharged_at, p.created_at, p.schedule, t.rules, t.effective_from, t.changed_by, t.approved_by, t.review_at,
            c.plan, c.started_at AS plan_started_at, c.version AS plan_version, c.changed_by AS plan_changed_by, c.changed_at AS plan_changed_at
       FROM patients p
       LEFT JOIN LATERAL (SELECT rules, effective_from, changed_by, approved_by, review_at FROM thresholds WHERE patient_id = p.id ORDER BY effective_from DESC, id DESC LIMIT 1) t ON true
       LEFT JOIN LATERAL (SELECT plan, started_at, version, changed_by, changed_at FROM care_plans WHERE patient_id = p.id ORDER BY version DESC LIMIT 1) c ON true
      WHERE p.id = ANY($1)`,
    [patientIds],
  );
  return new Map(rows.map((r) => [r.id, patientOf(r)]));
}

export async function patientForRules(db: Queryable, patientId: string): Promise<PatientForRules | null> {
  return (await patientsForRules(db, [patientId])).get(patientId) ?? null;
}

function patientOf(r: PatientRuleRow): PatientForRules {
  const schedule = Object.fromEntries(Object.entries(r.schedule).filter(([, v]) => typeof v === 'number' && v > 0)) as Partial<Record<MeasurementType, number>>;
  const override = r.rules && r.effective_from ? { rules: r.rules, effectiveFrom: r.effective_from.toISOString(), changedBy: r.changed_by } : null;
  const plan =
    r.plan && r.plan_started_at && r.plan_changed_at
      ? { plan: r.plan, startedAt: r.plan_started_at, version: Number(r.plan_version ?? 1), changedBy: r.plan_changed_by, changedAt: r.plan_changed_at }
      : null;
  return { id: r.id, programme: r.programme, pausedUntil: r.paused_until, pausedFrom: r.paused_from, resumedAt: r.resumed_at, dischargedAt: r.discharged_at, createdAt: r.created_at, schedule, override, limitsApprovedBy: r.approved_by, limitsReviewAt: r.review_at, plan };
}

/** The care plan in force: the latest stored version, else the programme's default plan from enrolment. */
export function planInForce(patient: Pick<PatientForRules, 'programme' | 'createdAt' | 'plan'>): PlanInForce {
  return patient.plan ? { plan: patient.plan.plan, startedAt: patient.plan.startedAt } : { plan: PROGRAMME_PLANS[patient.programme], startedAt: patient.createdAt };
}

/**
 * Since when data has been expected: enrolment, or the end of the latest pause, so that a
 * missing-data alarm does not fire the minute a pause ends.
 */
export function monitoredSince(patient: PatientForRules, now: Date): Date {
  const candidates = [patient.createdAt.getTime(), patient.resumedAt?.getTime() ?? 0];
  if (patient.pausedUntil && patient.pausedUntil.getTime() <= now.getTime()) candidates.push(patient.pausedUntil.getTime());
  return new Date(Math.max(...candidates));
}

/**
 * The rules in force at `now`, as the care plan in force shapes them (rulesForPlan: missing-data
 * expectations and baseline minimums from the plan). A type an administrator gave an explicit
 * schedule (hours) keeps that: its missing-data rule counts hours since the last data, as before
 * plans existed.
 */
export function rulesFor(patient: PatientForRules, now: Date = new Date()): RuleInForce[] {
  return rulesForPlan(rulesInForce(patient.programme, patient.override), planInForce(patient), now, PLAN_TIME_ZONE).map((r) => {
    if (r.kind !== 'missing') return r;
    const hours = patient.schedule[r.type];
    return hours === undefined ? r : { ...r, afterHours: hours };
  });
}

/**
 * Missing-data findings for these rules (the missing-data rules among them): by the plan's days
 * (planMissingData: late the day after a due day without data), or for a type with an explicit
 * schedule by its hours (missingData).
 */
export function missingFindings<R extends ThresholdRule>(
  patient: PatientForRules,
  rules: readonly R[],
  lastSeen: Partial<Record<MeasurementType, Date>>,
  now: Date,
  since: Date,
): Finding<R>[] {
  const scheduled = (r: R) => r.kind === 'missing' && patient.schedule[r.type] !== undefined;
  return [
    ...missingData(rules.filter(scheduled), lastSeen, now, since),
    ...planMissingData(rules.filter((r) => !scheduled(r)), planInForce(patient), lastSeen, now, since, PLAN_TIME_ZONE),
  ];
}

export function thresholdsView(patient: PatientForRules): PatientThresholds {
  // Every rule in force, each saying whether it is personal and who set it (the board shows it).
  const rules = rulesInForce(patient.programme, patient.override).map(({ source: _source, effectiveFrom: _from, changedBy: _by, ...rule }) => rule);
  return {
    patientId: patient.id,
    programme: patient.programme,
    programmeDefaults: patient.override === null,
    effectiveFrom: patient.override?.effectiveFrom ?? null,
    changedBy: patient.override?.changedBy ?? null,
    approvedBy: patient.override ? patient.limitsApprovedBy : null,
    reviewAt: patient.override && patient.limitsReviewAt ? patient.limitsReviewAt.toISOString() : null,
    rules,
  };
}

/** Who approved personal limits and when they are due for review (both null for a return to the programme's). */
export interface LimitsApproval {
  approvedBy: string | null;
  reviewAt: Date | null;
}

export async function saveThresholds(db: Queryable, patientId: string, rules: readonly ThresholdRule[], changedBy: string, at: Date, approval: LimitsApproval = { approvedBy: null, reviewAt: null }): Promise<void> {
  await db.query('INSERT INTO thresholds (patient_id, rules, effective_from, changed_by, approved_by, review_at) VALUES ($1, $2, $3, $4, $5, $6)', [
    patientId,
    JSON.stringify(rules),
    at,
    changedBy,
    approval.approvedBy,
    approval.reviewAt,
  ]);
}
