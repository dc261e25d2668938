export * from './defaults';
export * from './evaluate';
export * from './lifecycle';
export * from './operators';
