/** The dashboard's words: catalogues (da.ts, en.ts), translate, formatters, names and rule descriptions. */
export { LANGUAGES, LOCALES, isLanguage, type Language, type Message, type Params, type Plural } from './language';
export type { Dictionary, MessageKey } from './da';
export { DICTIONARIES, translate } from './translate';
export { formatDate, formatDateTime, formatNumber, formatTime, unitText } from './format';
export { measureName, measurementTypeName } from './names';
export { describeRule, type RuleShape } from './rule-descriptions';
