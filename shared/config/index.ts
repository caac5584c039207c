export * from './env';
export * from './load-config';
export * from './browser-access';
