import { Alert } from './alert.entity';
import { AuditEntry } from './audit-entry.entity';
import { Backup } from './backup.entity';
import { BackupCopy } from './backup-copy.entity';
import { Execution } from './execution.entity';
import { NotificationDelivery } from './notification-delivery.entity';
import { NotificationSettings } from './notification-settings.entity';
import { RestoreJournalEntry } from './restore-journal.entity';
import { Schedule } from './schedule.entity';

export { Alert, AuditEntry, Backup, BackupCopy, Execution, NotificationDelivery, NotificationSettings, RestoreJournalEntry, Schedule };
export const CATALOG_ENTITIES = [Backup, BackupCopy, Execution, NotificationSettings, Schedule, NotificationDelivery, Alert, RestoreJournalEntry, AuditEntry];
