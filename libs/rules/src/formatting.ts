import type { Locale } from './wording';

/** Numbers, units and spans of time as a nurse reads them in a message, per locale. */

/** UCUM spelled the way a clinician writes it. */
export function unitText(unit: string, locale: Locale): string {
  switch (unit) {
    case 'mm[Hg]':
      return 'mmHg';
    case '/min':
      return locale === 'da' ? 'slag/min' : '/min';
    case 'points':
      return locale === 'da' ? 'procentpoint' : 'points';
    case 'h':
      return locale === 'da' ? 'timer' : 'h';
    default:
      return unit;
  }
}

const FORMATS: Record<Locale, Intl.NumberFormat> = {
  // No grouping: "1.234" reads as a decimal number to an English reader and as a thousand to a Dane.
  da: new Intl.NumberFormat('da-DK', { maximumFractionDigits: 2, useGrouping: false }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2, useGrouping: false }),
};

/** At most two decimals, no trailing zeros, the locale's decimal mark: "2,35" in Danish, "2.35" in English. */
export function formatNumber(value: number, locale: Locale): string {
  return FORMATS[locale].format(value);
}

/** A value with its unit: "86 %", "82,6 kg", "142 mmHg", "88 slag/min". */
export function withUnit(value: number, unit: string, locale: Locale): string {
  return `${formatNumber(value, locale)} ${unitText(unit, locale)}`;
}

/**
 * A span of time as a nurse says it: whole days from 20 h up ("3 døgn", "1 day"), hours below
 * ("10 timer", "10 h"), minutes below an hour. A change window has a few hours' grace, so
 * 72 h 10 min is "3 døgn".
 */
export function spanText(hours: number, locale: Locale): string {
  if (hours < 1) {
    const minutes = Math.max(1, Math.round(hours * 60));
    return locale === 'da' ? (minutes === 1 ? '1 minut' : `${minutes} minutter`) : `${minutes} min`;
  }
  if (hours >= 20) {
    const days = Math.max(1, Math.round(hours / 24));
    return locale === 'da' ? `${days} døgn` : days === 1 ? '1 day' : `${days} days`;
  }
  const h = Math.round(hours * 10) / 10;
  return locale === 'da' ? (h === 1 ? '1 time' : `${formatNumber(h, locale)} timer`) : `${formatNumber(h, locale)} h`;
}

/** How often data is expected: "hvert 2. døgn" / "every 2 days", "hver 12. time" / "every 12 h". */
export function everyText(hours: number, locale: Locale): string {
  if (hours % 24 === 0) {
    const days = hours / 24;
    if (locale === 'da') return days === 1 ? 'hvert døgn' : `hvert ${days}. døgn`;
    return days === 1 ? 'every day' : `every ${days} days`;
  }
  if (locale === 'da') return hours === 1 ? 'hver time' : `hver ${formatNumber(hours, locale)}. time`;
  return hours === 1 ? 'every hour' : `every ${formatNumber(hours, locale)} h`;
}

/** "3 timer" / "3 h", with the Danish singular. */
export function hoursText(hours: number, locale: Locale): string {
  if (locale === 'da') return hours === 1 ? '1 time' : `${formatNumber(hours, locale)} timer`;
  return `${formatNumber(hours, locale)} h`;
}
