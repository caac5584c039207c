import { compressionLevel } from '../domain/compression-level';
import { createVerifyExecutor } from '../engine/postgres/postgres-executor-factory';
import type { Logger } from '../logging';
import type { VerifyDeps } from '../jobs/verify-backup';
import type { CreateBackupDeps } from '../jobs/create-backup';
import { swapRecoveryDeps } from '../jobs/restore/recover-database';
import type { RestoreDeps } from '../jobs/restore/run-restore';
import type { Runtime } from './runtime';

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

/** What runRestore needs; the pre-restore backup gets the restore's own logger. */
export function restoreDeps(runtime: Runtime): RestoreDeps {
  return {
    config: runtime.config,
    keys: runtime.keys,
    backups: runtime.backups,
    executions: runtime.executions,
    backupDeps: (logger) => backupDeps(runtime, logger),
    swapRecovery: (logger) => swapRecoveryDeps(runtime, logger),
  };
}

/** What verifyBackup needs: every copy of the catalog, the keys, a server for restore tests. */
export function verifyDeps(runtime: Runtime, logger: Logger): VerifyDeps {
  return {
    backups: runtime.backups,
    copies: runtime.copies,
    targets: runtime.targets,
    keys: runtime.keys,
    executor: () => createVerifyExecutor(runtime.config),
    logger,
  };
}
