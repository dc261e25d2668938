import { questionnaireDefinition, wallClockParts, type LocalizedText, type MeasurementType, type Reminder, type TodayActivity } from '@tm/contracts';

/**
 * Which reminders are due (ARCHITECTURE.md §12), as pure functions: an item of the patient's care
 * plan that the plan asks for today and that the hospital has not yet received as often as asked,
 * once the day has reached the reminder hour (REMINDER_HOUR; before it the day is still young,
 * and a twice-daily reading may simply not be due yet). A paused patient (in hospital) gets none.
 */

const MEASUREMENT_TEXT: Record<MeasurementType, LocalizedText> = {
  blood_pressure: { da: 'Husk at måle dit blodtryk i dag.', en: 'Remember to measure your blood pressure today.' },
  pulse_oximetry: { da: 'Husk at måle din iltmætning og puls i dag.', en: 'Remember to measure your oxygen level and pulse today.' },
  body_weight: { da: 'Husk at veje dig i dag.', en: 'Remember to weigh yourself today.' },
  spirometry: { da: 'Husk at måle din lungefunktion i dag.', en: 'Remember to measure your lung function today.' },
};

/** The sentence the region's service sends as it is: what to do, in plain words, no name and no value. */
export function reminderText(activity: Pick<TodayActivity, 'type' | 'questionnaireId'>): LocalizedText {
  if (activity.type !== null) return MEASUREMENT_TEXT[activity.type];
  const title = activity.questionnaireId === null ? undefined : questionnaireDefinition(activity.questionnaireId)?.title;
  return {
    da: `Husk at svare på spørgsmålene i dag${title ? `: ${title.da}` : ''}.`,
    en: `Remember to answer the questions today${title ? `: ${title.en}` : ''}.`,
  };
}

/** The day's reminders have started once the local clock has reached `hour`. */
export function reminderTimeReached(now: Date, hour: number, timeZone: string): boolean {
  return wallClockParts(now, timeZone).hour >= hour;
}

/** One reminder's identity: the same for every delivery of it. */
export const reminderId = (patientId: string, activity: string, date: string): string => `${patientId}/${activity}/${date}`;

/** The reminders one patient's today (as GET /api/me/today computes it) calls for. */
export function dueReminders(today: { patientId: string; date: string; timeZone: string; activities: readonly TodayActivity[] }, now: Date): Reminder[] {
  return today.activities
    .filter((a) => a.expected > 0 && a.done < a.expected)
    .map((a) => ({
      id: reminderId(today.patientId, a.activity, today.date),
      patientId: today.patientId,
      date: today.date,
      timeZone: today.timeZone,
      activity: a.activity,
      kind: a.kind,
      type: a.type,
      questionnaireId: a.questionnaireId,
      expected: a.expected,
      done: a.done,
      text: reminderText(a),
      createdAt: now.toISOString(),
    }));
}
