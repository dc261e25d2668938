import { addDays, localDate } from '@tm/contracts';
import { LOCALES, translate, type Language } from '../i18n';

/** Dates as a patient reads them: "i dag kl. 08.12", "i går kl. 19.30", "mandag den 16. november kl. 08.00". */

/** A calendar date in words: "torsdag den 26. november" / "Thursday 26 November". */
export function formatLongDate(language: Language, date: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(`${date}T12:00:00Z`));
}

/** "i dag kl. 08.12", "i går kl. 19.30", else the date in words and the time, all in `timeZone`. */
export function friendlyDateTime(language: Language, iso: string, now: Date, timeZone: string): string {
  const time = new Intl.DateTimeFormat(LOCALES[language], { timeZone, timeStyle: 'short' }).format(new Date(iso));
  const date = localDate(iso, timeZone);
  const today = localDate(now, timeZone);
  if (date === today) return translate(language, 'me.when.today', { time });
  if (date === addDays(today, -1)) return translate(language, 'me.when.yesterday', { time });
  return translate(language, 'me.when.other', { date: formatLongDate(language, date), time });
}

/** A phone number for a tel: link: digits and a leading +. */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}
