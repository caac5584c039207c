import type { Config } from '../../config';
import { ProtectedPath, sourceRestoreTargetProblem } from '../../domain/restore-target';
import type { BackupType } from '../../domain/types';
import { AppError, ErrorCode } from '../../errors';
import type { Logger } from '../../logging';
import type { ProgressReporter } from '../../domain/job-progress';
import { backupLockResource, sourceLockResource } from '../../queue/locks';
import type { BackupRepository, ExecutionRepository } from '../../catalog/repositories';
import type { KeyRing } from '../../engine/crypto/key-ring';
import { createBackup, CreateBackupDeps } from '../create-backup';
import type { SwapRecoveryDeps } from './swap-recovery';
import { restoreDatabase } from './restore-database';
import type { RestoreInput } from './restore-input';
import { restoreSourceTree } from './restore-source-tree';

const DAY_MS = 24 * 3600 * 1000;

/** A confirmed restore, from the API (via the queue) or the CLI. */
export interface RestoreOrder {
  from: RestoreInput;
  type: BackupType;
  /** The catalog backup restored from, if any: kept from retention while it is read. */
  backupId?: string;
  targetDatabase?: string;
  targetPath?: string;
  replaceExisting?: boolean;
  keepPrevious: boolean;
}

export interface RestoreDeps {
  config: Config;
  keys: KeyRing;
  backups: Pick<BackupRepository, 'findById' | 'update'>;
  executions: Pick<ExecutionRepository, 'mergeDetails'>;
  /** For the pre-restore backup, logging to the restore's logger. */
  backupDeps: (logger: Logger) => CreateBackupDeps;
  /** The journal and server of the live database, for the swap and its recovery; null when DATABASE_URL cannot be read. */
  swapRecovery: (logger: Logger) => Promise<SwapRecoveryDeps | null>;
}

export interface RestoreRun {
  executionId: string;
  logger: Logger;
  onProgress: ProgressReporter;
  /** Aborted when the lock the restore runs under is lost. */
  signal?: AbortSignal;
}

/** What a restore must hold exclusively: the database, as its backups do, or the target directory. */
export function restoreLockResource(config: Parameters<typeof backupLockResource>[0], order: Pick<RestoreOrder, 'type' | 'targetPath'>): string | null {
  if (order.type === 'source') return order.targetPath ? sourceLockResource(order.targetPath) : null;
  return backupLockResource(config, 'database');
}

/** Refuses a source restore target that is a system directory or overlaps a storage root or the running code's parent. */
export function checkSourceRestoreTarget(config: Pick<Config, 'storageTargets' | 'KANBU_SOURCE_PATH'>, targetPath: string): void {
  const roots: ProtectedPath[] = config.storageTargets.flatMap((t) => {
    const path = t.kind === 'local' ? t.settings.BACKUP_LOCAL_PATH : t.kind === 'gdrive' ? t.settings.BACKUP_GDRIVE_PATH : undefined;
    return path ? [{ label: `the storage target ${t.target}`, path }] : [];
  });
  const problem = sourceRestoreTargetProblem(targetPath, [
    ...roots,
    { label: 'the running Kanbu code (KANBU_SOURCE_PATH)', path: config.KANBU_SOURCE_PATH, sameAllowed: true },
  ]);
  if (problem) throw new AppError(ErrorCode.ValidationFailed, problem, { details: [{ field: 'targetPath', messages: [problem] }] });
}

/** Retention must not delete the backup being restored from while the restore reads it. */
async function keepFromRetention(backups: RestoreDeps['backups'], backupId: string): Promise<void> {
  const backup = await backups.findById(backupId);
  const until = new Date(Date.now() + DAY_MS);
  if (backup && (!backup.protectedUntil || backup.protectedUntil < until)) await backups.update(backupId, { protectedUntil: until });
}

/**
 * Runs a restore in this process (the caller holds the lock): a source backup
 * into its directory, a database backup through temporary database, checks,
 * pre-restore backup and swap. Returns the facts worth reporting.
 */
export async function runRestore(deps: RestoreDeps, order: RestoreOrder, run: RestoreRun): Promise<Record<string, unknown>> {
  const record = (facts: Record<string, unknown>) => deps.executions.mergeDetails(run.executionId, facts);
  if (order.backupId) await keepFromRetention(deps.backups, order.backupId);

  if (order.type === 'source') {
    if (!order.targetPath) throw new AppError(ErrorCode.ValidationFailed, 'A source backup restores into a directory: targetPath is required');
    checkSourceRestoreTarget(deps.config, order.targetPath);
    await record({ targetPath: order.targetPath, replaceExisting: order.replaceExisting ?? false });
    const result = await restoreSourceTree({
      from: order.from,
      targetPath: order.targetPath,
      replaceExisting: order.replaceExisting ?? false,
      keys: deps.keys,
      logger: run.logger,
      onProgress: run.onProgress,
      record,
      signal: run.signal,
    });
    return { ...result };
  }

  const swap = await deps.swapRecovery(run.logger);
  if (!swap) throw new AppError(ErrorCode.InvalidConfig, 'DATABASE_URL cannot be read; there is no database to restore into');
  await record({ targetDatabase: order.targetDatabase ?? swap.executor.database, keepPrevious: order.keepPrevious });
  const result = await restoreDatabase(
    {
      keys: deps.keys,
      swap,
      logger: run.logger,
      record,
      preRestoreBackup: (onFraction) =>
        createBackup(deps.backupDeps(run.logger), {
          type: 'database',
          trigger: 'system',
          purpose: 'pre_restore',
          executionId: run.executionId,
          protectedUntil: new Date(Date.now() + deps.config.BACKUP_PRE_RESTORE_KEEP_DAYS * DAY_MS),
          onProgress: (p) => onFraction(p.percent / 100),
          signal: run.signal,
        }),
    },
    {
      from: order.from,
      executionId: run.executionId,
      targetDatabase: order.targetDatabase,
      keepPrevious: order.keepPrevious,
      onProgress: run.onProgress,
      signal: run.signal,
    },
  );
  return { database: result.database, previousDatabase: result.previousDatabase, preRestoreBackupId: result.preRestoreBackupId, tables: result.stats.tables };
}
