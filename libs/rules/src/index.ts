export * from './defaults';
export * from './evaluate';
export * from './lifecycle';
export * from './messages';
export * from './operators';
export * from './care-plan';
export * from './questionnaire';
export { DEFAULT_LOCALE, formatNumber, type Locale } from './wording';
