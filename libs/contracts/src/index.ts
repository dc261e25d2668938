export * from './codes';
export * from './measurement';
export * from './batch';
export * from './topics';
export * from './thresholds';
export * from './live';
export * from './rest';
export * from './decoded';
