import { formatDateTime, formatNumber, type Language } from '../i18n';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A value as the admin tables show it: instants in local time, lists joined, nothing as a dash. */
export function cell(language: Language, value: unknown): string {
  if (value === null || value === undefined || value === '') return '–';
  if (Array.isArray(value)) return value.length === 0 ? '–' : value.map((v) => cell(language, v)).join(', ');
  if (typeof value === 'string' && INSTANT.test(value)) return formatDateTime(language, value);
  if (typeof value === 'number') return formatNumber(language, value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
