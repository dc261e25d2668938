export * from './defaults';
export * from './evaluate';
export * from './lifecycle';
export * from './messages';
export * from './operators';
export { DEFAULT_LOCALE, formatNumber, type Locale } from './wording';
