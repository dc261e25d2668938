import {
  MAX_PLAN_DAY,
  MEASUREMENT_TYPES,
  isMeasurementActivity,
  questionnaireIdOf,
  type ActivityName,
  type CareActivity,
  type CarePlan,
  type QuestionnaireDefinition,
} from '@tm/contracts';
import { translate, type Language, type MessageKey, type Params } from '../i18n';

/**
 * The nurse's plan editor as data: a plan shown as lines of text fields (what the form holds) and
 * back. The server checks the plan again (CarePlanSchema) and says what is wrong in its answer;
 * this catches the common slips first, in the nurse's language.
 */

export interface DraftLine {
  /** a stable key for React while lines are added and removed */
  key: string;
  activity: ActivityName;
  per: 'day' | 'week';
  times: string;
  fromDay: string;
  toDay: string;
}

export interface PlanProblem {
  key: MessageKey;
  params: Params;
}

const MAX_TIMES: Record<DraftLine['per'], number> = { day: 6, week: 7 };

export function draftOf(plan: CarePlan): DraftLine[] {
  return plan.activities.map((a, i) => ({
    key: `line-${i}`,
    activity: a.activity,
    per: a.timesPerWeek !== undefined ? 'week' : 'day',
    times: String(a.timesPerWeek ?? a.timesPerDay ?? 1),
    fromDay: a.fromDay === undefined ? '' : String(a.fromDay),
    toDay: a.toDay === undefined ? '' : String(a.toDay),
  }));
}

const wholeNumber = (raw: string): number | undefined => (/^\d{1,5}$/.test(raw.trim()) ? Number(raw.trim()) : undefined);

/** The plan the lines describe, or what is wrong with them (line numbers count from 1). */
export function planOfDraft(lines: readonly DraftLine[]): { plan: CarePlan; problems: [] } | { plan: null; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  if (lines.length === 0) problems.push({ key: 'plan.problem.empty', params: {} });
  const activities = lines.map((line, i): CareActivity => {
    const n = i + 1;
    const times = wholeNumber(line.times);
    if (times === undefined || times < 1 || times > MAX_TIMES[line.per]) problems.push({ key: 'plan.problem.times', params: { n, max: MAX_TIMES[line.per] } });
    const day = (raw: string): number | undefined => {
      if (raw.trim() === '') return undefined;
      const value = wholeNumber(raw);
      if (value === undefined || value > MAX_PLAN_DAY) {
        problems.push({ key: 'plan.problem.day', params: { n, max: MAX_PLAN_DAY } });
        return undefined;
      }
      return value;
    };
    const fromDay = day(line.fromDay);
    const toDay = day(line.toDay);
    if (fromDay !== undefined && toDay !== undefined && toDay < fromDay) problems.push({ key: 'plan.problem.order', params: { n } });
    return {
      activity: line.activity,
      ...(line.per === 'day' ? { timesPerDay: times ?? 1 } : { timesPerWeek: times ?? 1 }),
      ...(fromDay === undefined ? {} : { fromDay }),
      ...(toDay === undefined ? {} : { toDay }),
    };
  });
  activities.forEach((a, i) => {
    const j = activities.findIndex((b, k) => k < i && b.activity === a.activity && overlaps(a, b));
    if (j >= 0) problems.push({ key: 'plan.problem.overlap', params: { n: j + 1, m: i + 1 } });
  });
  return problems.length > 0 ? { plan: null, problems } : { plan: { activities }, problems: [] };
}

function overlaps(a: CareActivity, b: CareActivity): boolean {
  return (a.fromDay ?? 0) <= (b.toDay ?? Number.POSITIVE_INFINITY) && (b.fromDay ?? 0) <= (a.toDay ?? Number.POSITIVE_INFINITY);
}

/** "Iltmætning og puls", "Spørgeskema: Symptomdagbog (KOL)". */
export function activityName(activity: string, language: Language, definitions: readonly QuestionnaireDefinition[]): string {
  if (isMeasurementActivity(activity)) return translate(language, `plan.type.${activity}`);
  const id = questionnaireIdOf(activity) ?? activity;
  return translate(language, 'plan.questionnaire', { title: definitions.find((d) => d.id === id)?.title[language] ?? id });
}

/** "Iltmætning og puls: 2 gange om dagen, dag 0–13". */
export function describeActivity(a: CareActivity, language: Language, definitions: readonly QuestionnaireDefinition[]): string {
  const often = a.timesPerWeek !== undefined ? translate(language, 'me.times.perWeek', { count: a.timesPerWeek }) : translate(language, 'me.times.perDay', { count: a.timesPerDay ?? 1 });
  const days =
    a.toDay !== undefined
      ? translate(language, 'plan.describe.days', { from: String(a.fromDay ?? 0), to: String(a.toDay) })
      : a.fromDay !== undefined && a.fromDay > 0
        ? translate(language, 'plan.describe.from', { from: String(a.fromDay) })
        : null;
  return `${activityName(a.activity, language, definitions)}: ${often}${days === null ? '' : `, ${days}`}`;
}

/** What a line may be about: the measurement types, then the questionnaires. */
export function activityChoices(definitions: readonly QuestionnaireDefinition[], language: Language): { value: ActivityName; label: string }[] {
  return [
    ...MEASUREMENT_TYPES.map((type) => ({ value: type as ActivityName, label: activityName(type, language, definitions) })),
    ...definitions.map((d) => ({ value: `questionnaire:${d.id}` as ActivityName, label: activityName(`questionnaire:${d.id}`, language, definitions) })),
  ];
}
