import { localDate, type MeasurementType, type QuestionnaireDefinition, type Today, type TodayActivity } from '@tm/contracts';
import { translate, type Language, type MessageKey } from '../i18n';
import { formatLongDate } from './format';
import type { OutboxEntry } from './outbox';

/**
 * Today's plan as the patient reads it: one line per activity, what to do in plain words, how
 * often, and whether it is done. Answers still in the browser's outbox count as given (the patient
 * has done their part) and say they wait for the connection.
 */

export type PlanRowStatus = 'done' | 'partly' | 'todo' | 'waiting' | 'not-today';

export interface PlanRow {
  activity: string;
  kind: 'measurement' | 'questionnaire';
  type: MeasurementType | null;
  questionnaireId: string | null;
  /** "Mål din iltmætning og puls", "Svar på spørgsmål: Symptomdagbog (KOL)" */
  title: string;
  /** the questionnaire's own title, for a link's name */
  questionnaireTitle: string | null;
  /** "2 gange om dagen" */
  frequency: string;
  status: PlanRowStatus;
  statusText: string;
  /** "1 af 2 i dag" (or "… denne uge" for a weekly activity); null when nothing is due today */
  progress: string | null;
  expected: number;
  /** received by the hospital today */
  done: number;
  /** answered today and still in the outbox */
  waiting: number;
  /** "Næste gang: torsdag den 26. november", when nothing is due today */
  nextDue: string | null;
  lastAt: string | null;
}

export interface TodayView {
  date: string;
  /** the activities due today, in the plan's order */
  due: PlanRow[];
  /** the plan's other activities, with when they are next due */
  later: PlanRow[];
  /** "Du mangler at veje dig i dag.": one line per activity due today and not yet done (what the reminder service is sent too) */
  reminders: string[];
  /** "Du har gjort 2 af 3 i dag." / "Du har gjort alt for i dag. Tak!" / nothing due */
  summary: string;
  allDone: boolean;
}

const STATUS_KEYS: Record<PlanRowStatus, MessageKey> = {
  done: 'me.status.done',
  partly: 'me.status.partly',
  todo: 'me.status.todo',
  waiting: 'me.status.waiting',
  'not-today': 'me.status.notToday',
};

/** Responses to this questionnaire in the outbox, not yet received, answered on `date` (in `timeZone`). */
export function waitingAnswers(entries: readonly OutboxEntry[], questionnaireId: string, date: string, timeZone: string): number {
  return entries.filter((e) => e.status === 'waiting' && e.response.questionnaireId === questionnaireId && localDate(e.response.authoredAt, timeZone) === date).length;
}

function statusOf(a: TodayActivity, waiting: number): PlanRowStatus {
  if (a.expected === 0) return 'not-today';
  if (a.done >= a.expected) return 'done';
  if (a.done + waiting >= a.expected) return 'waiting';
  return a.done + waiting > 0 ? 'partly' : 'todo';
}

export function planRow(a: TodayActivity, today: Pick<Today, 'date' | 'timeZone'>, definitions: readonly QuestionnaireDefinition[], outbox: readonly OutboxEntry[], language: Language): PlanRow {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(language, key, params);
  const definition = a.questionnaireId === null ? undefined : definitions.find((d) => d.id === a.questionnaireId);
  const questionnaireTitle = a.questionnaireId === null ? null : (definition?.title[language] ?? a.questionnaireId);
  const title = a.type !== null ? t(`me.activity.${a.type}`) : t('me.activity.questionnaire', { title: questionnaireTitle ?? '' });
  const frequency =
    a.timesPerDay !== null ? t('me.times.perDay', { count: a.timesPerDay }) : a.timesPerWeek !== null ? t('me.times.perWeek', { count: a.timesPerWeek }) : '';
  const waiting = a.questionnaireId === null ? 0 : waitingAnswers(outbox, a.questionnaireId, today.date, today.timeZone);
  const status = statusOf(a, waiting);
  // A weekly activity counts over the week (twice a week: "1 af 2 denne uge"); a daily one over today.
  let progress: string | null = null;
  if (a.timesPerWeek !== null && a.week.expected > 0) progress = t('me.progress.week', { done: Math.min(a.week.met + waiting, a.week.expected), expected: a.week.expected });
  else if (a.expected > 0) progress = t('me.progress.today', { done: Math.min(a.done + waiting, a.expected), expected: a.expected });
  return {
    activity: a.activity,
    kind: a.kind,
    type: a.type,
    questionnaireId: a.questionnaireId,
    title,
    questionnaireTitle,
    frequency,
    status,
    statusText: t(STATUS_KEYS[status]),
    progress,
    expected: a.expected,
    done: a.done,
    waiting,
    nextDue: status === 'not-today' && a.nextDue !== null ? t('me.nextDue', { date: formatLongDate(language, a.nextDue) }) : null,
    lastAt: a.lastAt,
  };
}

export function todayView(today: Today, definitions: readonly QuestionnaireDefinition[], outbox: readonly OutboxEntry[], language: Language): TodayView {
  const rows = today.activities.map((a) => planRow(a, today, definitions, outbox, language));
  const due = rows.filter((r) => r.status !== 'not-today');
  const later = rows.filter((r) => r.status === 'not-today');
  const finished = due.filter((r) => r.status === 'done' || r.status === 'waiting').length;
  const allDone = due.length > 0 && finished === due.length;
  const summary =
    due.length === 0 ? translate(language, 'me.today.nothing') : allDone ? translate(language, 'me.today.allDone') : translate(language, 'me.today.summary', { done: finished, count: due.length });
  const reminders = due
    .filter((r) => r.status === 'todo' || r.status === 'partly')
    .map((r) => (r.type !== null ? translate(language, `me.reminder.${r.type}`) : translate(language, 'me.reminder.questionnaire', { title: r.questionnaireTitle ?? '' })));
  return { date: today.date, due, later, reminders, summary, allDone };
}
