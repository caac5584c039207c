import { compressionLevel } from '../domain/compression-level';
import type { Logger } from '../logging';
import type { Runtime } from '../runtime/runtime';
import type { CreateBackupDeps } from './create-backup';

/** What createBackup needs, from the runtime and the configuration; shared by backups, pre-restore backups and the CLI. */
export function backupDeps(runtime: Runtime, logger: Logger): CreateBackupDeps {
  return {
    backups: runtime.backups,
    copies: runtime.copies,
    storage: runtime.targets.primary,
    replicas: runtime.targets.replicas,
    requireAllCopies: runtime.config.BACKUP_REQUIRE_ALL_COPIES,
    sources: runtime.sources,
    keys: runtime.keys,
    compression: runtime.config.BACKUP_COMPRESSION,
    compressionLevel: compressionLevel(runtime.config.BACKUP_COMPRESSION, runtime.config.BACKUP_COMPRESSION_LEVEL),
    compressionThreads: runtime.config.BACKUP_COMPRESSION_THREADS,
    logger,
  };
}
