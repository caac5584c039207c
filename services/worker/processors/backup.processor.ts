import type { Job } from 'bullmq';
import { backupDeps } from '../../../shared/jobs/backup-deps';
import { createBackup } from '../../../shared/jobs/create-backup';
import type { BackupJobData } from '../../../shared/queue/job-payloads';
import type { Runtime } from '../../../shared/runtime/runtime';
import type { JobContext, JobHandler } from '../job-runner';

export function backupProcessor(runtime: Runtime): JobHandler<BackupJobData> {
  return async (job: Job<BackupJobData>, ctx: JobContext) => {
    const backup = await createBackup(
      backupDeps(runtime, ctx.logger),
      {
        type: job.data.type,
        trigger: job.data.trigger,
        scheduleId: job.data.scheduleId,
        executionId: ctx.execution.id,
        onProgress: ctx.progress,
        onReserved: (reserved) => runtime.executions.linkBackup(ctx.execution.id, reserved.id),
      },
    );
    return { backupId: backup.id, filename: backup.filename, sizeBytes: backup.sizeBytes, checksum: backup.checksum };
  };
}
