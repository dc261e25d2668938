import type { MeasurementType, PatientThresholds, Programme, ThresholdRule } from '@tm/contracts';
import { PROGRAMME_DEFAULTS, rulesInForce, type PatientOverride, type RuleInForce } from '@tm/rules';
import type { Queryable } from '../db/db';

export interface PatientForRules {
  id: string;
  programme: Programme;
  pausedUntil: Date | null;
  createdAt: Date;
  /** hours within which each expected measurement type should arrive */
  schedule: Partial<Record<MeasurementType, number>>;
  override: PatientOverride | null;
}

/** The patient, and their latest personal thresholds (every change is a new row; the latest is in force). */
export async function patientForRules(db: Queryable, patientId: string): Promise<PatientForRules | null> {
  const { rows } = await db.query<{
    id: string;
    programme: Programme;
    paused_until: Date | null;
    created_at: Date;
    schedule: Record<string, unknown>;
    rules: ThresholdRule[] | null;
    effective_from: Date | null;
    changed_by: string | null;
  }>(
    `SELECT p.id, p.programme, p.paused_until, p.created_at, p.schedule, t.rules, t.effective_from, t.changed_by
       FROM patients p
       LEFT JOIN LATERAL (SELECT rules, effective_from, changed_by FROM thresholds WHERE patient_id = p.id ORDER BY effective_from DESC, id DESC LIMIT 1) t ON true
      WHERE p.id = $1`,
    [patientId],
  );
  const r = rows[0];
  if (!r) return null;
  const schedule = Object.fromEntries(Object.entries(r.schedule).filter(([, v]) => typeof v === 'number' && v > 0)) as Partial<Record<MeasurementType, number>>;
  const override = r.rules && r.effective_from ? { rules: r.rules, effectiveFrom: r.effective_from.toISOString(), changedBy: r.changed_by } : null;
  return { id: r.id, programme: r.programme, pausedUntil: r.paused_until, createdAt: r.created_at, schedule, override };
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
  const rules: ThresholdRule[] = patient.override
    ? rulesInForce(patient.programme, patient.override).map(({ source: _source, effectiveFrom: _from, changedBy: _by, ...rule }) => rule)
    : [...PROGRAMME_DEFAULTS[patient.programme]];
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
