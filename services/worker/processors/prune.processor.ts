import type { Job } from 'bullmq';
import { pruneBackups } from '../../../shared/jobs/prune-backups';
import { pruneAuditLog } from '../../../shared/jobs/prune-audit-log';
import { pruneHistory } from '../../../shared/jobs/prune-history';
import { importBackups } from '../../../shared/jobs/import-backups';
import type { PruneQueueJobData, StorageImportJobData } from '../../../shared/queue/job-payloads';
import type { Runtime } from '../../../shared/runtime/runtime';
import type { JobContext, JobHandler } from '../job-runner';

/** Adopts the unknown backup files of one storage target; the counts go into the execution's details. */
async function runImport(runtime: Runtime, data: StorageImportJobData, ctx: JobContext) {
  const result = await importBackups(
    { backups: runtime.backups, copies: runtime.copies, targets: runtime.targets, logger: ctx.logger },
    { target: data.target ?? undefined, onProgress: ctx.progress },
  );
  await runtime.executions.mergeDetails(ctx.execution.id, {
    import: { target: result.target, added: result.added.length, alreadyKnown: result.alreadyKnown, collisions: result.collisions, ignored: result.ignored },
  });
  return result;
}

/**
 * Applies the retention of one schedule (or of backups without one) after a successful backup, then trims the job history;
 * or runs a storage import.
 */
export function pruneProcessor(runtime: Runtime): JobHandler<PruneQueueJobData> {
  return async (job: Job<PruneQueueJobData>, ctx: JobContext) => {
    if (job.data.type === 'import') return runImport(runtime, job.data, ctx);
    const result = await pruneBackups(
      {
        backups: runtime.backups,
        schedules: runtime.schedules,
        copies: runtime.copies,
        targets: runtime.targets,
        logger: ctx.logger,
        defaultRetentionDays: runtime.config.BACKUP_RETENTION_DAYS,
        defaultTimeZone: runtime.config.BACKUP_CRON_TIMEZONE,
      },
      { scheduleId: job.data.scheduleId ?? null, onProgress: ctx.progress },
    );
    await runtime.executions.mergeDetails(ctx.execution.id, {
      kept: result.kept,
      deleted: result.deleted.map((d) => d.filename),
      cleaned: result.cleaned,
      staleWritesRemoved: result.staleWritesRemoved,
    });
    const historyRemoved = await pruneHistory(runtime, runtime.config.BACKUP_HISTORY_DAYS);
    const auditEntriesRemoved = await pruneAuditLog(runtime.audit, runtime.config.BACKUP_AUDIT_DAYS);
    await runtime.executions.mergeDetails(ctx.execution.id, { historyRemoved, auditEntriesRemoved });
    return { ...result, historyRemoved, auditEntriesRemoved };
  };
}
