import type { Job } from 'bullmq';
import { createVerifyExecutor } from '../../../shared/engine/postgres/postgres-executor-factory';
import { verifyBackup } from '../../../shared/jobs/verify-backup';
import type { VerifyJobData } from '../../../shared/queue/job-payloads';
import type { Runtime } from '../../../shared/runtime/runtime';
import type { JobContext, JobHandler } from '../job-runner';

export function verifyProcessor(runtime: Runtime): JobHandler<VerifyJobData> {
  return async (job: Job<VerifyJobData>, ctx: JobContext) => {
    await runtime.executions.linkBackup(ctx.execution.id, job.data.backupId);
    const result = await verifyBackup(
      { backups: runtime.backups, reader: runtime.reader, keys: runtime.keys, executor: () => createVerifyExecutor(runtime.config), logger: ctx.logger },
      { backupId: job.data.backupId, executionId: ctx.execution.id, mode: job.data.mode, onProgress: ctx.progress },
    );
    await runtime.executions.mergeDetails(ctx.execution.id, { mode: job.data.mode, ...result });
    return result;
  };
}
