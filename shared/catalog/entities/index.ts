import { Backup } from './backup.entity';
import { BackupCopy } from './backup-copy.entity';
import { Execution } from './execution.entity';
import { NotificationSettings } from './notification-settings.entity';
import { Schedule } from './schedule.entity';

export { Backup, BackupCopy, Execution, NotificationSettings, Schedule };
export const CATALOG_ENTITIES = [Backup, BackupCopy, Execution, NotificationSettings, Schedule];
