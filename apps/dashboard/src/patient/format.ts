import { translate, type Language } from '../i18n';

/** Dates as a patient reads them: "i dag kl. 08.12", "i går kl. 19.30", "mandag den 16. november kl. 08.00". */

const LOCALES: Record<Language, string> = { da: 'da-DK', en: 'en-GB' };

/** The calendar date (2026-11-23) of an instant in a time zone. */
export function localDateOf(at: Date | string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(typeof at === 'string' ? new Date(at) : at);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

const dayBefore = (date: string): string => new Date(Date.parse(`${date}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** A calendar date in words: "torsdag den 26. november" / "Thursday 26 November". */
export function formatLongDate(language: Language, date: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(`${date}T12:00:00Z`));
}

/** "i dag kl. 08.12", "i går kl. 19.30", else the date in words and the time, all in `timeZone`. */
export function friendlyDateTime(language: Language, iso: string, now: Date, timeZone: string): string {
  const time = new Intl.DateTimeFormat(LOCALES[language], { timeZone, timeStyle: 'short' }).format(new Date(iso));
  const date = localDateOf(iso, timeZone);
  const today = localDateOf(now, timeZone);
  if (date === today) return translate(language, 'me.when.today', { time });
  if (date === dayBefore(today)) return translate(language, 'me.when.yesterday', { time });
  return translate(language, 'me.when.other', { date: formatLongDate(language, date), time });
}

/** A phone number for a tel: link: digits and a leading +. */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}
