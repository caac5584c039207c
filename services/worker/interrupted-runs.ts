import type { Job } from 'bullmq';
import { errorMessage } from '../../shared/errors';
import { closeInterruptedBackups, INTERRUPTED_REASON } from '../../shared/jobs/close-interrupted-backups';
import type { Logger } from '../../shared/logging';
import { backupLockResource } from '../../shared/queue/locks';
import type { QueueName } from '../../shared/queue/queue-names';
import type { Runtime } from '../../shared/runtime/runtime';

/**
 * Closes the backups a dead attempt of `executionId` left `running`, under the
 * lock they ran under (so their writer cannot be alive). `waitMs` 0: only if
 * the lock is free now — otherwise the run that takes the job over does it.
 */
export async function closeBackupsOfDeadAttempt(runtime: Runtime, logger: Logger, executionId: string, waitMs: number): Promise<void> {
  const running = await runtime.backups.runningOfExecution(executionId);
  const deps = { backups: runtime.backups, copies: runtime.copies, targets: runtime.targets, logger };
  for (const resource of new Set(running.map((b) => backupLockResource(runtime.config, b.type)))) {
    if (!resource) continue;
    const lock = waitMs > 0 ? await runtime.locks.acquire(resource, waitMs) : await runtime.locks.tryAcquire(resource);
    if (!lock) return;
    try {
      await closeInterruptedBackups(deps, executionId);
    } finally {
      await lock.release();
    }
  }
}

/**
 * BullMQ found a job stalled (its worker died) and put it back to run again:
 * the execution says so at once (`retrying`, "interrupted: worker lost") and
 * the backup it was writing is closed if its lock has expired already.
 */
export async function recordStalledJob(runtime: Runtime, queue: QueueName, logger: Logger, jobId: string): Promise<void> {
  try {
    const job: Job | undefined = await runtime.queues.get(queue).getJob(jobId);
    const executionId = (job?.data as { executionId?: string } | undefined)?.executionId;
    const execution = executionId ? await runtime.executions.findById(executionId) : null;
    if (!execution || execution.status !== 'running') return;
    if (await runtime.executions.markInterrupted(execution.id, execution.attempts, INTERRUPTED_REASON)) {
      logger.warn(`Job ${job!.name} ${jobId} stalled (${INTERRUPTED_REASON}); it will be retried`);
    }
    if (queue === 'backup' || queue === 'restore') await closeBackupsOfDeadAttempt(runtime, logger, execution.id, 0);
  } catch (err) {
    logger.warn(`Could not record the stalled job ${jobId}: ${errorMessage(err)}`);
  }
}
