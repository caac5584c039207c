import type { Job } from 'bullmq';
import type { Schedule } from '../../../shared/catalog/entities';
import { scheduleSlot } from '../../../shared/domain/schedule-settings';
import { errorMessage } from '../../../shared/errors';
import { backupDeps } from '../../../shared/runtime/use-case-deps';
import { closeInterruptedBackups } from '../../../shared/jobs/close-interrupted-backups';
import { createBackup } from '../../../shared/jobs/create-backup';
import { enqueuePrune } from '../../../shared/jobs/enqueue-prune';
import { recoverBeforeRun } from '../../../shared/jobs/restore/recover-database';
import type { BackupJobData } from '../../../shared/queue/job-payloads';
import { backupLockResource } from '../../../shared/queue/locks';
import type { Runtime } from '../../../shared/runtime/runtime';
import type { JobContext, JobHandler } from '../job-runner';
import { runExclusive } from '../run-exclusive';

type Skipped = { skipped: 'schedule_disabled' | 'slot_already_backed_up'; duplicateOf?: string };

async function skip(runtime: Runtime, ctx: JobContext, why: Skipped, message: string): Promise<Skipped> {
  ctx.logger.info(message);
  await runtime.executions.mergeDetails(ctx.execution.id, { ...why });
  return why;
}

/**
 * The schedule slot of a schedule-bound run: given by the trigger, or — for a
 * job from a job scheduler — the cron time the job was due at. Remembered in the
 * execution, so a run delayed by a lock keeps its slot.
 */
async function slotOf(runtime: Runtime, job: Job<BackupJobData>, ctx: JobContext, schedule: Schedule): Promise<string | null> {
  const known = ctx.execution.details?.slot;
  if (typeof known === 'string') return known;
  const slot =
    job.data.slot ??
    (job.data.trigger === 'schedule' ? scheduleSlot(schedule, runtime.config.BACKUP_CRON_TIMEZONE, new Date(job.timestamp + (job.opts.delay ?? 0))) : null);
  if (slot) await runtime.executions.mergeDetails(ctx.execution.id, { slot });
  return slot;
}

export function backupProcessor(runtime: Runtime): JobHandler<BackupJobData> {
  return async (job: Job<BackupJobData>, ctx: JobContext) => {
    const schedule = job.data.scheduleId ? await runtime.schedules.findById(job.data.scheduleId) : null;
    if (job.data.trigger === 'schedule' && !schedule?.enabled) {
      // The catalog is the source of truth: a job scheduler left over from a removed or disabled schedule does nothing.
      void runtime.scheduleMirror.reconcile().catch((err) => ctx.logger.warn(`Could not reconcile job schedulers: ${errorMessage(err)}`));
      return skip(runtime, ctx, { skipped: 'schedule_disabled' }, `Schedule ${job.data.scheduleId} is disabled or gone; nothing to do`);
    }
    const type = job.data.trigger === 'schedule' && schedule ? schedule.type : job.data.type;
    const slot = schedule ? await slotOf(runtime, job, ctx, schedule) : null;

    return runExclusive(runtime, job, ctx, backupLockResource(runtime.config, type), async (stop) => {
      // Holding the lock, so a backup of this run still `running` has no live writer: an earlier attempt died.
      const interrupted = await closeInterruptedBackups({ ...runtime, logger: ctx.logger }, ctx.execution.id);
      if (interrupted.length) await runtime.executions.mergeDetails(ctx.execution.id, { interruptedBackups: interrupted });
      if (type === 'database') await recoverBeforeRun(runtime, ctx.logger);
      if (schedule && slot) {
        const done = await runtime.executions.findCompletedSlotRun(schedule.id, slot, ctx.execution.id);
        if (done)
          return skip(
            runtime,
            ctx,
            { skipped: 'slot_already_backed_up', duplicateOf: done.id },
            `Slot ${slot} of schedule "${schedule.name}" was already backed up by ${done.id}`,
          );
      }
      const backup = await createBackup(backupDeps(runtime, ctx.logger), {
        type,
        trigger: job.data.trigger,
        scheduleId: schedule?.id ?? null,
        executionId: ctx.execution.id,
        onProgress: ctx.progress,
        onReserved: (reserved) => runtime.executions.linkBackup(ctx.execution.id, reserved.id),
        signal: stop,
      });
      await enqueuePrune(runtime.enqueueDeps, ctx.logger, { type, scheduleId: schedule?.id ?? null });
      return {
        backupId: backup.id,
        filename: backup.filename,
        status: backup.status,
        sizeBytes: backup.sizeBytes,
        checksum: backup.checksum,
        warnings: backup.error,
      };
    });
  };
}
