import { translate, type Language } from '../i18n';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "5 min. siden" / "3 h ago": how long ago an instant was, in the coarsest unit that still helps a nurse. */
export function timeAgo(language: Language, iso: string, now: Date): string {
  const ms = Math.max(0, now.getTime() - Date.parse(iso));
  if (ms < MINUTE) return translate(language, 'time.justNow');
  if (ms < HOUR) return translate(language, 'time.minutesAgo', { n: Math.floor(ms / MINUTE) });
  if (ms < DAY) return translate(language, 'time.hoursAgo', { n: Math.floor(ms / HOUR) });
  const days = Math.floor(ms / DAY);
  return days === 1 ? translate(language, 'time.dayAgo') : translate(language, 'time.daysAgo', { n: days });
}

/** A length of time without "ago": "26 t." / "3 days". */
export function duration(language: Language, ms: number): string {
  if (ms < HOUR) return translate(language, 'time.minutes', { n: Math.max(1, Math.floor(ms / MINUTE)) });
  if (ms < 2 * DAY) return translate(language, 'time.hours', { n: Math.floor(ms / HOUR) });
  const days = Math.floor(ms / DAY);
  return days === 1 ? translate(language, 'time.day') : translate(language, 'time.days', { n: days });
}
