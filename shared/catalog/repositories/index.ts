export * from './backup.repository';
export * from './execution.repository';
export * from './pagination';
export * from './backup-copy.repository';
export * from './schedule.repository';
