import type { MeasurementType, PatientThresholds, Programme, ThresholdRule } from '@tm/contracts';
import { rulesInForce, type PatientOverride, type RuleInForce } from '@tm/rules';
import type { Queryable } from '../db/db';

export interface PatientForRules {
  id: string;
  programme: Programme;
  pausedUntil: Date | null;
  /** when the pause in force began: readings measured from then until pausedUntil are not evaluated */
  pausedFrom: Date | null;
  /** when a pause was last lifted early */
  resumedAt: Date | null;
  createdAt: Date;
  /** hours within which each expected measurement type should arrive */
  schedule: Partial<Record<MeasurementType, number>>;
  override: PatientOverride | null;
}

interface PatientRuleRow {
  id: string;
  programme: Programme;
  paused_until: Date | null;
  paused_from: Date | null;
  resumed_at: Date | null;
  created_at: Date;
  schedule: Record<string, unknown>;
  rules: ThresholdRule[] | null;
  effective_from: Date | null;
  changed_by: string | null;
}

/** Patients with their latest personal thresholds (every change is a new row; the latest is in force), one statement for all. */
export async function patientsForRules(db: Queryable, patientIds: readonly string[]): Promise<Map<string, PatientForRules>> {
  const { rows } = await db.query<PatientRuleRow>(
    `SELECT p.id, p.programme, p.paused_until, p.paused_from, p.resumed_at, p.created_at, p.schedule, t.rules, t.effective_from, t.changed_by
       FROM patients p
       LEFT JOIN LATERAL (SELECT rules, effective_from, changed_by FROM thresholds WHERE patient_id = p.id ORDER BY effective_from DESC, id DESC LIMIT 1) t ON true
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
  return { id: r.id, programme: r.programme, pausedUntil: r.paused_until, pausedFrom: r.paused_from, resumedAt: r.resumed_at, createdAt: r.created_at, schedule, override };
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

/** The rules in force, with the patient's schedule setting how long each expected type may stay silent. */
export function rulesFor(patient: PatientForRules): RuleInForce[] {
  return rulesInForce(patient.programme, patient.override).map((r) => {
    if (r.kind !== 'missing') return r;
    const hours = patient.schedule[r.type];
    return hours === undefined ? r : { ...r, afterHours: hours };
  });
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
    rules,
  };
}

export async function saveThresholds(db: Queryable, patientId: string, rules: readonly ThresholdRule[], changedBy: string, at: Date): Promise<void> {
  await db.query('INSERT INTO thresholds (patient_id, rules, effective_from, changed_by) VALUES ($1, $2, $3, $4)', [patientId, JSON.stringify(rules), at, changedBy]);
}
