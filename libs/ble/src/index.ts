export * from './errors';
export * from './load-noble';
export * from './uuid';
export * from './virtual-radio';
export * from './gatt';
export * from './types';
export * from './profile-session';
export * from './simulated-device';
