import type { CreateBackupDeps } from '../../../shared/jobs/create-backup';
import type { Logger } from '../../../shared/logging';
import type { Runtime } from '../../../shared/runtime/runtime';

/** What `createBackup` needs, from the runtime: used by backups and by pre-restore backups. */
export function backupDeps(runtime: Runtime, logger: Logger): CreateBackupDeps {
  return {
    backups: runtime.backups,
    copies: runtime.copies,
    storage: runtime.targets.primary,
    replicas: runtime.targets.replicas,
    requireAllCopies: runtime.config.BACKUP_REQUIRE_ALL_COPIES,
    sources: runtime.sources,
    keys: runtime.keys,
    compression: 'gzip',
    compressionLevel: runtime.config.BACKUP_COMPRESSION_LEVEL,
    logger,
  };
}
