/** The dashboard's languages and the shapes of its messages. Danish is the default; English must cover every Danish key. */
export const LANGUAGES = ['da', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The locale each language formats numbers and dates with. */
export const LOCALES: Record<Language, string> = { da: 'da-DK', en: 'en-GB' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * A message that depends on a number: the CLDR plural category of `params.count` picks the form
 * ("1 rød patient", "2 røde patienter"). Danish and English only have `one` and `other`.
 */
export interface Plural {
  readonly one: string;
  readonly other: string;
}
export type Message = string | Plural;

export type Params = Record<string, string | number>;
