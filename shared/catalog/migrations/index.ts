import { InitialCatalog1763900000000 } from './1763900000000-initial-catalog';
import { ScheduleIndexes1764200001000 } from './1764200001000-schedule-indexes';
import { NotificationDeliveriesAndAlerts1764300001000 } from './1764300001000-notification-deliveries-and-alerts';
import { HistoryIndexes1764400001000 } from './1764400001000-history-indexes';
import { RestoreJournal1765000001000 } from './1765000001000-restore-journal';
import { AuditLog1765200001000 } from './1765200001000-audit-log';
import { RetentionMaxAge1765300001000 } from './1765300001000-retention-max-age';
import { ScheduleNumber1765300002000 } from './1765300002000-schedule-number';

/** Every catalog migration, oldest first. Add new ones at the end. */
export const CATALOG_MIGRATIONS = [
  InitialCatalog1763900000000,
  ScheduleIndexes1764200001000,
  NotificationDeliveriesAndAlerts1764300001000,
  HistoryIndexes1764400001000,
  RestoreJournal1765000001000,
  AuditLog1765200001000,
  RetentionMaxAge1765300001000,
  ScheduleNumber1765300002000,
];
