import type { Job } from 'bullmq';
import { createBackup } from '../../../shared/jobs/create-backup';
import type { BackupJobData } from '../../../shared/queue/job-payloads';
import type { Runtime } from '../../../shared/runtime/runtime';
import type { JobContext, JobHandler } from '../job-runner';

export function backupProcessor(runtime: Runtime): JobHandler<BackupJobData> {
  return async (job: Job<BackupJobData>, ctx: JobContext) => {
    const backup = await createBackup(
      {
        backups: runtime.backups,
        copies: runtime.copies,
        storage: runtime.targets.primary,
        replicas: runtime.targets.replicas,
        requireAllCopies: runtime.config.BACKUP_REQUIRE_ALL_COPIES,
        sources: runtime.sources,
        keys: runtime.keys,
        compression: 'gzip',
        compressionLevel: runtime.config.BACKUP_COMPRESSION_LEVEL,
        logger: ctx.logger,
      },
      {
        type: job.data.type,
        trigger: job.data.trigger,
        scheduleId: job.data.scheduleId,
        executionId: ctx.execution.id,
        onProgress: ctx.progress,
        onReserved: (reserved) => runtime.executions.linkBackup(ctx.execution.id, reserved.id),
      },
    );
    return { backupId: backup.id, filename: backup.filename, status: backup.status, sizeBytes: backup.sizeBytes, checksum: backup.checksum, warnings: backup.error };
  };
}
