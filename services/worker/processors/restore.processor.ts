import type { Job } from 'bullmq';
import { AppError, ErrorCode } from '../../../shared/errors';
import { createPostgresExecutor } from '../../../shared/engine/postgres/postgres-executor-factory';
import { backupDeps } from '../../../shared/jobs/backup-deps';
import { createBackup } from '../../../shared/jobs/create-backup';
import { DatabaseAdmin } from '../../../shared/jobs/restore/database-admin';
import { restoreDatabase } from '../../../shared/jobs/restore/restore-database';
import { catalogRestoreInput, loadRestorableBackup } from '../../../shared/jobs/restore/restore-input';
import { restoreSourceTree } from '../../../shared/jobs/restore/restore-source-tree';
import type { RestoreJobData } from '../../../shared/queue/job-payloads';
import { backupLockResource, sourceLockResource } from '../../../shared/queue/locks';
import type { Runtime } from '../../../shared/runtime/runtime';
import type { JobContext, JobHandler } from '../job-runner';
import { runExclusive } from '../run-exclusive';

const DAY_MS = 24 * 3600 * 1000;

/** Retention must not delete the backup being restored from while the restore reads it. */
async function keepSourceBackupDuringRestore(runtime: Runtime, backupId: string): Promise<void> {
  const backup = await runtime.backups.findById(backupId);
  const until = new Date(Date.now() + DAY_MS);
  if (backup && (!backup.protectedUntil || backup.protectedUntil < until)) await runtime.backups.update(backupId, { protectedUntil: until });
}

async function dropPrevious(runtime: Runtime, ctx: JobContext, restoreExecutionId: string) {
  const restore = await runtime.executions.findById(restoreExecutionId);
  const previous = restore?.details?.previousDatabase;
  if (!restore || restore.kind !== 'restore' || typeof previous !== 'string') {
    throw AppError.notFound(ErrorCode.RestoreNotFound, 'That restore kept no previous database');
  }
  await new DatabaseAdmin(await createPostgresExecutor(runtime.config), ctx.logger).drop(previous);
  await runtime.executions.mergeDetails(restore.id, { previousDatabase: null, previousDatabaseDropped: previous });
  await runtime.executions.mergeDetails(ctx.execution.id, { dropped: previous });
  ctx.logger.info(`Dropped ${previous}, kept by restore ${restore.id}`);
  return { dropped: previous };
}

/** A pre-restore backup of the live database: protected from retention for BACKUP_PRE_RESTORE_KEEP_DAYS. */
function preRestoreBackup(runtime: Runtime, ctx: JobContext) {
  return (onFraction: (fraction: number) => void) =>
    createBackup(backupDeps(runtime, ctx.logger), {
      type: 'database',
      trigger: 'system',
      purpose: 'pre_restore',
      executionId: ctx.execution.id,
      protectedUntil: new Date(Date.now() + runtime.config.BACKUP_PRE_RESTORE_KEEP_DAYS * DAY_MS),
      onProgress: (p) => onFraction(p.percent / 100),
    });
}

export function restoreProcessor(runtime: Runtime): JobHandler<RestoreJobData> {
  return async (job: Job<RestoreJobData>, ctx: JobContext) => {
    const data = job.data;
    if (data.action === 'drop-previous') return dropPrevious(runtime, ctx, data.restoreExecutionId);

    const record = (facts: Record<string, unknown>) => runtime.executions.mergeDetails(ctx.execution.id, facts);
    await runtime.executions.linkBackup(ctx.execution.id, data.backupId);
    const backup = await loadRestorableBackup(runtime.backups, runtime.keys, data.backupId, undefined);
    const from = catalogRestoreInput(runtime.reader, backup);

    if (backup.type === 'source') {
      if (!data.targetPath) throw AppError.badRequest(ErrorCode.ValidationFailed, 'A source backup restores into a directory: targetPath is required');
      await record({ backupId: backup.id, targetPath: data.targetPath, replaceExisting: data.replaceExisting ?? false });
      return runExclusive(runtime, job, ctx, sourceLockResource(data.targetPath), async () => {
        await keepSourceBackupDuringRestore(runtime, backup.id);
        return restoreSourceTree({
          from,
          targetPath: data.targetPath!,
          replaceExisting: data.replaceExisting ?? false,
          keys: runtime.keys,
          logger: ctx.logger,
          onProgress: ctx.progress,
          record,
        });
      });
    }

    const executor = await createPostgresExecutor(runtime.config);
    await record({ backupId: backup.id, targetDatabase: data.targetDatabase ?? executor.database, keepPrevious: data.keepPrevious });
    // The lock of backups of this database: no backup reads it while it is being swapped.
    return runExclusive(runtime, job, ctx, backupLockResource(runtime.config, 'database'), async () => {
      await keepSourceBackupDuringRestore(runtime, backup.id);
      const result = await restoreDatabase(
        { keys: runtime.keys, executor, logger: ctx.logger, record, preRestoreBackup: preRestoreBackup(runtime, ctx) },
        { from, executionId: ctx.execution.id, targetDatabase: data.targetDatabase, keepPrevious: data.keepPrevious, onProgress: ctx.progress },
      );
      return { database: result.database, previousDatabase: result.previousDatabase, preRestoreBackupId: result.preRestoreBackupId, tables: result.stats.tables };
    });
  };
}
