import type { Job } from 'bullmq';
import { verifyBackup } from '../../../shared/jobs/verify-backup';
import type { VerifyJobData } from '../../../shared/queue/job-payloads';
import type { Runtime } from '../../../shared/runtime/runtime';
import { verifyDeps } from '../../../shared/runtime/use-case-deps';
import type { JobContext, JobHandler } from '../job-runner';
import { LATEST_BACKUP } from '../verify-schedule';

export function verifyProcessor(runtime: Runtime): JobHandler<VerifyJobData> {
  return async (job: Job<VerifyJobData>, ctx: JobContext) => {
    let backupId = job.data.backupId;
    if (backupId === LATEST_BACKUP) {
      const [latest] = await runtime.stats.recentSuccessful('database', 1);
      if (!latest) {
        await runtime.executions.mergeDetails(ctx.execution.id, { skipped: 'no_backup' });
        ctx.logger.info('Scheduled verification: there is no completed database backup yet');
        return { skipped: 'no_backup' };
      }
      backupId = latest.id;
    }
    await runtime.executions.linkBackup(ctx.execution.id, backupId);
    const result = await verifyBackup(verifyDeps(runtime, ctx.logger), {
      backupId,
      executionId: ctx.execution.id,
      mode: job.data.mode,
      onProgress: ctx.progress,
    });
    await runtime.executions.mergeDetails(ctx.execution.id, { mode: job.data.mode, ...result });
    return result;
  };
}
