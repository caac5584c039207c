export * from './backup.repository';
export * from './execution.repository';
export * from './pagination';
export * from './backup-copy.repository';
export * from './notification-settings.repository';
export * from './notification-delivery.repository';
export * from './alert.repository';
export * from './catalog-stats.repository';
