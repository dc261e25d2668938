import type { CarePlan, Programme } from '@tm/contracts';

/**
 * The care plans of the programmes (ARCHITECTURE.md §10) and the plan in force for a patient. The
 * programme defaults and their sources: libs/rules/README.md ("Care plans").
 */

/** The intensive first phase of both programmes, in days: days 0–13. */
export const INTENSIVE_PHASE_DAYS = 14;

const diary = (id: string) => `questionnaire:${id}` as const;

/** TeleKOL: measurements (and the symptom diary) twice a day for the first 14 days, then twice a week. */
export const TELEKOL_DEFAULT_PLAN: CarePlan = {
  activities: [
    { activity: 'pulse_oximetry', timesPerDay: 2, fromDay: 0, toDay: INTENSIVE_PHASE_DAYS - 1 },
    { activity: 'pulse_oximetry', timesPerWeek: 2, fromDay: INTENSIVE_PHASE_DAYS },
    { activity: 'spirometry', timesPerDay: 2, fromDay: 0, toDay: INTENSIVE_PHASE_DAYS - 1 },
    { activity: 'spirometry', timesPerWeek: 2, fromDay: INTENSIVE_PHASE_DAYS },
    { activity: diary('telekol-symptom-diary'), timesPerDay: 1, fromDay: 0, toDay: INTENSIVE_PHASE_DAYS - 1 },
    { activity: diary('telekol-symptom-diary'), timesPerWeek: 2, fromDay: INTENSIVE_PHASE_DAYS },
  ],
};

/** TeleHjerte: weight, blood pressure and the symptom diary daily for the first 14 days, then twice a week. */
export const TELEHJERTE_DEFAULT_PLAN: CarePlan = {
  activities: [
    { activity: 'body_weight', timesPerDay: 1, fromDay: 0, toDay: INTENSIVE_PHASE_DAYS - 1 },
    { activity: 'body_weight', timesPerWeek: 2, fromDay: INTENSIVE_PHASE_DAYS },
    { activity: 'blood_pressure', timesPerDay: 1, fromDay: 0, toDay: INTENSIVE_PHASE_DAYS - 1 },
    { activity: 'blood_pressure', timesPerWeek: 2, fromDay: INTENSIVE_PHASE_DAYS },
    { activity: diary('telehjerte-symptom-diary'), timesPerDay: 1, fromDay: 0, toDay: INTENSIVE_PHASE_DAYS - 1 },
    { activity: diary('telehjerte-symptom-diary'), timesPerWeek: 2, fromDay: INTENSIVE_PHASE_DAYS },
  ],
};

export const PROGRAMME_PLANS: Readonly<Record<Programme, CarePlan>> = { TeleKOL: TELEKOL_DEFAULT_PLAN, TeleHjerte: TELEHJERTE_DEFAULT_PLAN };

/** The plan in force for a patient, and its day 0. */
export interface PlanInForce {
  plan: CarePlan;
  startedAt: Date;
}
