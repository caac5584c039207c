import type { Job } from 'bullmq';
import { AppError, ErrorCode } from '../../../shared/errors';
import { createPostgresExecutor } from '../../../shared/engine/postgres/postgres-executor-factory';
import { DatabaseAdmin } from '../../../shared/jobs/restore/database-admin';
import { catalogRestoreInput, loadRestorableBackup } from '../../../shared/jobs/restore/restore-input';
import { restoreLockResource, RestoreOrder, runRestore } from '../../../shared/jobs/restore/run-restore';
import type { RestoreJobData } from '../../../shared/queue/job-payloads';
import type { Runtime } from '../../../shared/runtime/runtime';
import { restoreDeps } from '../../../shared/runtime/use-case-deps';
import type { JobContext, JobHandler } from '../job-runner';
import { runExclusive } from '../run-exclusive';

async function dropPrevious(runtime: Runtime, ctx: JobContext, restoreExecutionId: string) {
  const restore = await runtime.executions.findById(restoreExecutionId);
  const previous = restore?.details?.previousDatabase;
  if (!restore || restore.kind !== 'restore' || typeof previous !== 'string') {
    throw new AppError(ErrorCode.NoPreviousDatabase, 'That restore kept no previous database');
  }
  const admin = new DatabaseAdmin(await createPostgresExecutor(runtime.config), ctx.logger);
  // The journal knows the kept database by OID: a database that took its name since is not the one to drop.
  const journal = await runtime.journal.findByExecution(restore.id);
  const found = await admin.info(previous);
  if (found && journal?.liveOid && found.oid !== journal.liveOid) {
    throw new AppError(ErrorCode.RestoreFailed, `${previous} is no longer the database restore ${restore.id} kept (its OID changed); nothing was dropped`);
  }
  await admin.drop(previous);
  await runtime.executions.mergeDetails(restore.id, { previousDatabase: null, previousDatabaseDropped: previous });
  await runtime.executions.mergeDetails(ctx.execution.id, { dropped: previous });
  ctx.logger.info(`Dropped ${previous}, kept by restore ${restore.id}`);
  return { dropped: previous };
}

export function restoreProcessor(runtime: Runtime): JobHandler<RestoreJobData> {
  return async (job: Job<RestoreJobData>, ctx: JobContext) => {
    const data = job.data;
    if (data.action === 'drop-previous') return dropPrevious(runtime, ctx, data.restoreExecutionId);

    await runtime.executions.linkBackup(ctx.execution.id, data.backupId);
    await runtime.executions.mergeDetails(ctx.execution.id, { backupId: data.backupId });
    const backup = await loadRestorableBackup(runtime.backups, runtime.keys, data.backupId, undefined);
    const order: RestoreOrder = {
      from: catalogRestoreInput(runtime.reader, backup),
      type: backup.type,
      backupId: backup.id,
      targetDatabase: data.targetDatabase,
      targetPath: data.targetPath,
      replaceExisting: data.replaceExisting,
      keepPrevious: data.keepPrevious,
    };
    return runExclusive(runtime, job, ctx, restoreLockResource(runtime.config, order), (stop) =>
      runRestore(restoreDeps(runtime), order, { executionId: ctx.execution.id, logger: ctx.logger, onProgress: ctx.progress, signal: stop }),
    );
  };
}
