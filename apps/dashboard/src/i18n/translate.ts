import { da, type Dictionary, type MessageKey } from './da';
import { en } from './en';
import { formatNumber } from './format';
import { LOCALES, type Language, type Message, type Params, type Plural } from './language';

/** Both dictionaries, read-only (tests compare them). */
export const DICTIONARIES: Readonly<Record<Language, Readonly<Dictionary>>> = { da, en };

const PLURAL_RULES: Record<Language, Intl.PluralRules> = { da: new Intl.PluralRules(LOCALES.da), en: new Intl.PluralRules(LOCALES.en) };

/** The form of a plural message for `count` (`other` when count is missing or not a number). */
function pluralForm(language: Language, message: Plural, count: string | number | undefined): string {
  const n = typeof count === 'number' ? count : Number(count);
  if (count === undefined || Number.isNaN(n)) return message.other;
  return PLURAL_RULES[language].select(n) === 'one' ? message.one : message.other;
}

/**
 * The message for a key with `{name}` placeholders filled in; a missing parameter stays visible as
 * `{name}`. Plural messages choose their form by `params.count`; numbers are written the local way.
 */
export function translate(language: Language, key: MessageKey, params: Params = {}): string {
  const message: Message = DICTIONARIES[language][key];
  const text = typeof message === 'string' ? message : pluralForm(language, message, params.count);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(language, value) : value;
  });
}
