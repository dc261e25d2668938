/**
 * A patient's care plan in force as a FHIR R4 CarePlan. Pure: the plan day of today and the
 * pause come in with the plan, no clock is read here.
 *
 * - one CarePlan per plan version: status active (on-hold while the patient is paused), intent
 *   plan, `period.start` the plan's day 0 as stored, `created` and `author` from who changed it;
 * - one activity per line of the plan (an activity in one phase): `detail.kind` ServiceRequest
 *   for a measurement, coded as its Observations are (MDC beside LOINC); Task for a
 *   questionnaire, `instantiatesCanonical` the Questionnaire (SDC asks for a questionnaire to be
 *   filled in with a Task); `performer` the patient;
 * - `scheduledTiming.repeat`: timesPerDay -> frequency per 1 d, timesPerWeek -> frequency per
 *   1 wk on the weekdays the platform expects it (the plan week counts from the phase's first
 *   day, twice a week is its days 0 and 3: weekDueOffsets in @tm/rules), `boundsPeriod` the
 *   phase's first and last day as calendar dates (fromDay / toDay from day 0, both included, in
 *   the plan's time zone: the dates are exactly the days the platform counts, with no instant to
 *   misread across a clock change);
 * - `detail.status`: a phase that has ended is completed, the phase in force in-progress (on-hold
 *   while paused), a phase still to come scheduled (its days are fixed by its timing).
 */
import type { CarePlan as FhirCarePlan, CarePlanActivityDetail, CodeableConcept, Coding, Period, Reference, Timing } from 'fhir/r4';
import { isMeasurementActivity, questionnaireDefinition, questionnaireIdOf, type CareActivity, type PatientCarePlan } from '@tm/contracts';
import { addDays, localDate, weekDueOffsets } from '@tm/rules';
import { RESOURCE_LANGUAGE } from './questionnaire-mapping';
import { CARE_SYSTEM, MEASUREMENT_ACTIVITY, questionnaireCanonical, SYSTEM } from './terminology';
import { uuidFromName } from './uuid';

/** Who wrote the plan version: a user (their display name when known), or the platform ('system', or no stored version). */
export interface PlanAuthor {
  userId: string | null;
  displayName: string | null;
}

export interface CarePlanInput {
  view: PatientCarePlan;
  author: PlanAuthor;
  /** the patient is paused now: nothing is expected */
  onHold: boolean;
}

/** The user id the programme default plans are written by (care/care-plan-repository SYSTEM_PLAN_AUTHOR). */
const PLATFORM_AUTHOR = 'system';

export const carePlanUuid = (patientId: string, version: number): string => uuidFromName(`care-plan/${patientId}/${version}`);
/** `pt-001/3`: the patient's plan version (0: the programme default from enrolment, never stored). */
export const carePlanIdentifier = (patientId: string, version: number) => ({ system: CARE_SYSTEM.carePlanId, value: `${patientId}/${version}` });

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Weekday = (typeof WEEKDAYS)[number];
const weekdayOf = (date: string): Weekday => WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7]!;

/** When a line of the plan is due, counted from `day0` (the local date of the plan's start). */
export function timingOf(activity: CareActivity, day0: string): Timing {
  const from = activity.fromDay ?? 0;
  const boundsPeriod: Period = { start: addDays(day0, from) };
  if (activity.toDay !== undefined) boundsPeriod.end = addDays(day0, activity.toDay);
  if (activity.timesPerDay !== undefined) return { repeat: { boundsPeriod, frequency: activity.timesPerDay, period: 1, periodUnit: 'd' } };
  const times = activity.timesPerWeek ?? 1;
  const days = new Set(weekDueOffsets(times).map((offset) => weekdayOf(addDays(day0, from + offset))));
  return { repeat: { boundsPeriod, frequency: times, period: 1, periodUnit: 'wk', dayOfWeek: WEEKDAYS.filter((d) => days.has(d)) } };
}

export function activityStatus(activity: CareActivity, today: number, onHold: boolean): CarePlanActivityDetail['status'] {
  if (activity.toDay !== undefined && today > activity.toDay) return 'completed';
  if (today < (activity.fromDay ?? 0)) return 'scheduled';
  return onHold ? 'on-hold' : 'in-progress';
}

function measurementCode(activity: keyof typeof MEASUREMENT_ACTIVITY): CodeableConcept {
  const term = MEASUREMENT_ACTIVITY[activity];
  const coding: Coding[] = [];
  if (term.mdc) coding.push({ system: SYSTEM.mdc, code: term.mdc.code, display: term.mdc.refId });
  if (term.loinc) coding.push({ system: SYSTEM.loinc, code: term.loinc.code, display: term.loinc.display });
  return coding.length > 0 ? { coding, text: term.text } : { text: term.text };
}

function detailOf(activity: CareActivity, input: CarePlanInput, day0: string): CarePlanActivityDetail {
  const common = {
    status: activityStatus(activity, input.view.today, input.onHold),
    scheduledTiming: timingOf(activity, day0),
    performer: [{ reference: `Patient/${input.view.patientId}` }],
  };
  const questionnaireId = questionnaireIdOf(activity.activity);
  if (questionnaireId !== null) {
    const definition = questionnaireDefinition(questionnaireId);
    // the plan names the questionnaire, not a version: the patient answers the one in use
    return { kind: 'Task', instantiatesCanonical: [questionnaireCanonical(questionnaireId)], code: { text: definition?.title.da ?? questionnaireId }, ...common };
  }
  if (!isMeasurementActivity(activity.activity)) return { code: { text: activity.activity }, ...common };
  return { kind: 'ServiceRequest', code: measurementCode(activity.activity), ...common };
}

function authorOf(author: PlanAuthor): Reference {
  if (author.userId === null || author.userId === PLATFORM_AUTHOR)
    return { type: 'Device', identifier: { system: CARE_SYSTEM.userId, value: PLATFORM_AUTHOR }, display: 'Telemonitoreringsplatformen (programmets standardplan)' };
  return { type: 'Practitioner', identifier: { system: CARE_SYSTEM.userId, value: author.userId }, ...(author.displayName ? { display: author.displayName } : {}) };
}

/** The plan in force as a CarePlan; the version before it is named in `replaces` (by identifier: only the plan in force is exported). */
export function carePlanFor(input: CarePlanInput): FhirCarePlan {
  const { view } = input;
  const day0 = localDate(new Date(view.startedAt), view.timeZone);
  const plan: FhirCarePlan = {
    resourceType: 'CarePlan',
    id: carePlanUuid(view.patientId, view.version),
    ...(view.changedAt ? { meta: { lastUpdated: view.changedAt } } : {}),
    language: RESOURCE_LANGUAGE,
    identifier: [carePlanIdentifier(view.patientId, view.version)],
    ...(view.version > 1 ? { replaces: [{ type: 'CarePlan', identifier: carePlanIdentifier(view.patientId, view.version - 1) }] } : {}),
    status: input.onHold ? 'on-hold' : 'active',
    intent: 'plan',
    title: `Telemonitorering (${view.programme})`,
    description: view.programmeDefault ? `Programmets standardplan for ${view.programme}` : `Plan tilpasset patienten (${view.programme})`,
    subject: { reference: `Patient/${view.patientId}` },
    period: { start: view.startedAt },
    created: view.changedAt ?? view.startedAt,
    author: authorOf(input.author),
    activity: view.plan.activities.map((activity) => ({ detail: detailOf(activity, input, day0) })),
  };
  return plan;
}
