import { LOCALES, type Language } from './language';

/** Numbers, dates and units as a clinician reads them, per language. */

/** At most two decimals, decimal comma in Danish. */
export function formatNumber(language: Language, value: number): string {
  return new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 2 }).format(value);
}

export function formatDate(language: Language, iso: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { day: 'numeric', month: 'short' }).format(new Date(iso));
}

export function formatTime(language: Language, iso: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { timeStyle: 'short' }).format(new Date(iso));
}

export function formatDateTime(language: Language, iso: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

/** UCUM as a clinician writes it. */
export function unitText(unit: string): string {
  return unit === 'mm[Hg]' ? 'mmHg' : unit;
}
