import { QUESTIONNAIRE_ACTIVITY_PREFIX, questionnaireDefinition, type AnswerValue, type QuestionnaireAnswer, type QuestionnaireDefinition, type QuestionnaireResponse } from '@tm/contracts';
import { addDays, dayNumber, expectedOn, localDate, PLAN_TIME_ZONE, planDayOf, startOfLocalDay, type PlanInForce } from '@tm/rules';

/**
 * What the demo's simulated patients answer in their symptom diaries: mostly "as usual", in the
 * last two days now and then a worse day (about one answer in twelve, yellow), and two
 * stories a newcomer finds on the board — pt-002 heading into a COPD exacerbation over the last four days (more
 * breathless, then more phlegm, then phlegm that changed colour: red by the two-of-three
 * combination), pt-007 with ankles more swollen for three days. The same every time for a given
 * patient and day, so a restart adds the missing days and changes nothing already answered.
 */

/** Worse days come at random only within the last week, so the board opens on this week's answers. */
const RECENT_DAYS = 2;

/** A number in [0, 1) from the patient, the day and a salt: the same inputs, the same number. */
function chance(n: number, day: number, salt: number): number {
  let x = (n * 2_654_435_761 + day * 40_503 + salt * 97) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) >>> 0;
  x = Math.imul(x ^ (x >>> 12), 0x297a2d39) >>> 0;
  return ((x ^ (x >>> 15)) >>> 0) / 4_294_967_296;
}

function usualValue(definition: QuestionnaireDefinition, linkId: string): AnswerValue {
  const item = definition.items.find((i) => i.linkId === linkId);
  const options = item?.options ?? [];
  return (options.find((o) => o.value === 'usual') ?? options.find((o) => o.triage === 'green'))?.value ?? item?.min ?? 0;
}

/** Answers for a whole definition: usual, with `changed` on top; items the answers switch off are left out, as the form does. */
function complete(definition: QuestionnaireDefinition, changed: Record<string, AnswerValue>): QuestionnaireAnswer[] {
  const all = new Map<string, AnswerValue>(definition.items.map((i) => [i.linkId, changed[i.linkId] ?? usualValue(definition, i.linkId)]));
  return definition.items
    .filter((i) => !i.enableWhen || i.enableWhen.answers.some((a) => a === all.get(i.enableWhen!.linkId)))
    .map((i) => ({ linkId: i.linkId, value: all.get(i.linkId) as AnswerValue }));
}

/** One option of the given colour, picked by `r` in [0, 1). */
function optionOf(definition: QuestionnaireDefinition, triage: 'yellow' | 'red', r: number): Record<string, AnswerValue> {
  const choices = definition.items.flatMap((i) => (i.options ?? []).filter((o) => o.triage === triage).map((o) => ({ linkId: i.linkId, value: o.value })));
  const pick = choices[Math.floor(r * choices.length)];
  return pick ? { [pick.linkId]: pick.value, ...(pick.linkId === 'sputum-colour' ? { 'sputum-amount': 'usual' } : {}) } : {};
}

/** The demo answers of patient number `n` on a day; `daysAgo` is counted back from the simulation's start day. */
export function demoAnswers(definition: QuestionnaireDefinition, n: number, day: number, daysAgo: number): QuestionnaireAnswer[] {
  if (definition.id === 'telekol-symptom-diary' && n === 2 && daysAgo <= 3) {
    const story: Record<string, AnswerValue>[] = [
      { breathlessness: 'worse', 'sputum-amount': 'more', 'sputum-colour': 'changed', cough: 'more' },
      { breathlessness: 'worse', 'sputum-amount': 'more', 'sputum-colour': 'changed' },
      { breathlessness: 'worse', 'sputum-amount': 'more' },
      { breathlessness: 'worse' },
    ];
    return complete(definition, story[daysAgo] ?? {});
  }
  if (definition.id === 'telehjerte-symptom-diary' && n === 7 && daysAgo <= 2) return complete(definition, { 'ankle-swelling': 'more', ...(daysAgo === 0 ? { pillows: 'more' } : {}) });
  // Earlier episodes the nurses have dealt with: the month before this week reads as usual.
  if (daysAgo > RECENT_DAYS) return complete(definition, {});
  // A realistic ward (issue 17, item 13): now and then a worse day (yellow), about one answer in
  // twelve; the reds of the board are the episodes above, not chance.
  const r = chance(n, day, 1);
  if (r < 0.08) return complete(definition, optionOf(definition, 'yellow', chance(n, day, 3)));
  return complete(definition, {});
}

/** The symptom diary a plan asks for (the first questionnaire activity that is a diary), if any. */
export function diaryOf(p: PlanInForce): QuestionnaireDefinition | undefined {
  const ids = p.plan.activities.map((a) => a.activity).filter((a) => a.startsWith(QUESTIONNAIRE_ACTIVITY_PREFIX)).map((a) => a.slice(QUESTIONNAIRE_ACTIVITY_PREFIX.length));
  return ids.map((id) => questionnaireDefinition(id)).find((q): q is QuestionnaireDefinition => q !== undefined && q.id.endsWith('symptom-diary'));
}

/** The id a demo home gives its answer of a day: the same answer, the same id, so it is stored once. */
export const demoResponseId = (patientId: string, date: string): string => `sim-${patientId}-${date}`;

/**
 * The demo responses of one patient on the plan's diary days from `from` to `to` (local dates,
 * both included), answered in the morning (08:00 plus a few minutes per patient).
 */
export function demoResponses(patientId: string, n: number, p: PlanInForce, from: string, to: string, startDay: number): QuestionnaireResponse[] {
  const definition = diaryOf(p);
  if (!definition) return [];
  const activity = `${QUESTIONNAIRE_ACTIVITY_PREFIX}${definition.id}` as const;
  const responses: QuestionnaireResponse[] = [];
  for (let d = dayNumber(from); d <= dayNumber(to); d++) {
    const date = addDays(from, d - dayNumber(from));
    const authoredAt = new Date(startOfLocalDay(date, PLAN_TIME_ZONE).getTime() + (8 * 60 + 3 * n) * 60_000);
    if (expectedOn(p.plan, activity, planDayOf(p.startedAt, authoredAt, PLAN_TIME_ZONE)) === 0) continue;
    responses.push({
      id: demoResponseId(patientId, date),
      questionnaireId: definition.id,
      questionnaireVersion: definition.version,
      authoredAt: authoredAt.toISOString(),
      answers: demoAnswers(definition, n, d, startDay - d),
    });
  }
  return responses;
}

export const todayIn = (now: Date): string => localDate(now, PLAN_TIME_ZONE);
