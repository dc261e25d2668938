import { isMeasurementActivity, TYPE_COMPONENTS, type CarePlan, type MeasurementType, type ObservationCode } from '@tm/contracts';
import type { RuleInForce } from './defaults';
import { PLAN_TIME_ZONE, planDayOf } from './plan-calendar';
import type { PlanInForce } from './plan-in-force';
import { activitiesOf, expectedEveryHours, phaseOn } from './plan-schedule';

/** The alert rules as the plan in force shapes them: how often data is expected, how many readings a baseline needs. */

/** The measurement type a code is measured with, among the plan's types (SpO2 -> pulse oximetry). */
function typeOfCode(code: string, plan: CarePlan): MeasurementType | null {
  const types = activitiesOf(plan).filter(isMeasurementActivity);
  return types.find((t) => (TYPE_COMPONENTS[t].allowed as readonly string[]).includes(code as ObservationCode)) ?? null;
}

/** The fewest readings a baseline (median, or mean − SD) is ever taken over. */
export const MIN_BASELINE_SAMPLES = 3;
/** A sparse plan's baseline window: four weeks. */
export const WIDENED_BASELINE_DAYS = 28;

const missingRuleName = (type: MeasurementType) => `missing-${type.replace(/_/g, '-')}`;

/**
 * The rules in force as the plan in force shapes them, at `now`:
 * - each missing-data rule expects its type as often as the plan does (`afterHours` is the plan's
 *   longest gap, for the message; lateness itself is judged by planMissingData against the plan's
 *   days), and a measurement type in the plan with no missing-data rule gets one (yellow);
 * - a programme baseline needs half the readings the plan's phase in force expects in its window,
 *   at least MIN_BASELINE_SAMPLES and never more than the programme asks; when that window holds
 *   fewer than twice MIN_BASELINE_SAMPLES (a twice-weekly plan over 14 days holds 4) the window is
 *   widened to WIDENED_BASELINE_DAYS first. Under a twice-daily plan nothing changes. A personal
 *   baseline (source `patient`) is left as the clinician set it.
 */
export function rulesForPlan(rules: readonly RuleInForce[], p: PlanInForce, now: Date, timeZone: string = PLAN_TIME_ZONE): RuleInForce[] {
  const today = planDayOf(p.startedAt, now, timeZone);
  const shaped = rules.map((r): RuleInForce => {
    if (r.kind === 'missing') {
      const every = expectedEveryHours(p, r.type, now, timeZone);
      return every === null ? r : { ...r, afterHours: every };
    }
    if (r.kind !== 'baseline' || r.source !== 'programme') return r;
    const type = typeOfCode(r.code, p.plan);
    const phase = type ? phaseOn(p.plan, type, today) : undefined;
    if (!phase) return r;
    const perDay = phase.timesPerDay ?? (phase.timesPerWeek ?? 1) / 7;
    const needFor = (days: number) => Math.min(r.minSamples, Math.max(MIN_BASELINE_SAMPLES, Math.ceil((perDay * days) / 2)));
    const windowDays = perDay * r.windowDays < 2 * MIN_BASELINE_SAMPLES ? Math.max(r.windowDays, WIDENED_BASELINE_DAYS) : r.windowDays;
    return { ...r, windowDays, minSamples: needFor(windowDays) };
  });
  const watched = new Set(shaped.flatMap((r) => (r.kind === 'missing' ? [r.type] : [])));
  const added = activitiesOf(p.plan)
    .filter(isMeasurementActivity)
    .filter((t) => !watched.has(t))
    .flatMap((type): RuleInForce[] => {
      const every = expectedEveryHours(p, type, now, timeZone);
      if (every === null) return [];
      return [{ rule: missingRuleName(type), kind: 'missing', type, afterHours: every, severity: 'yellow', source: 'programme', effectiveFrom: null, changedBy: null, personal: false, setBy: null, setAt: null }];
    });
  return [...shaped, ...added];
}
