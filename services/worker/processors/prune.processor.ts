import type { Job } from 'bullmq';
import { pruneBackups } from '../../../shared/jobs/prune-backups';
import { pruneAuditLog } from '../../../shared/jobs/prune-audit-log';
import { pruneHistory } from '../../../shared/jobs/prune-history';
import type { PruneJobData } from '../../../shared/queue/job-payloads';
import type { Runtime } from '../../../shared/runtime/runtime';
import type { JobContext, JobHandler } from '../job-runner';

/** Applies the retention of one schedule (or of backups without one) after a successful backup, then trims the job history. */
export function pruneProcessor(runtime: Runtime): JobHandler<PruneJobData> {
  return async (job: Job<PruneJobData>, ctx: JobContext) => {
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
