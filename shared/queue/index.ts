export * from './enqueue';
export * from './job-options';
export * from './job-payloads';
export * from './queue-names';
export * from './queue-registry';
export * from './redis-connection';
