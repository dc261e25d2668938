export * from './errors';
export * from './mder-float';
export * from './date-time';
export * from './bytes';
export * from './racp';
