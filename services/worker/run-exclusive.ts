import type { Job } from 'bullmq';
import type { Runtime } from '../../shared/runtime/runtime';
import { JobContext, JobDelayedError } from './job-runner';

/**
 * Runs `work` while holding the lock on `resource` (renewed meanwhile, released
 * after). When another job holds it, this job is delayed — not failed, no
 * attempt used — and tries again after BACKUP_LOCK_RETRY_SECONDS.
 * `work` gets a signal that aborts if the lock is lost while it runs.
 */
export async function runExclusive<T>(
  runtime: Pick<Runtime, 'locks' | 'executions' | 'config'>,
  job: Job,
  ctx: JobContext,
  resource: string | null,
  work: (lockLost?: AbortSignal) => Promise<T>,
): Promise<T> {
  if (!resource) return work();
  const lock = await runtime.locks.tryAcquire(resource);
  if (!lock) {
    // A little jitter, so jobs waiting for the same resource do not retry in lockstep.
    const delayMs = Math.round(runtime.config.BACKUP_LOCK_RETRY_SECONDS * 1000 * (1 + Math.random() * 0.2));
    await job.moveToDelayed(Date.now() + delayMs, ctx.token);
    throw new JobDelayedError(`${resource} is locked by another job; trying again in ${Math.ceil(delayMs / 1000)} s`, {
      waitingForLock: resource,
    });
  }
  try {
    if (ctx.execution.details?.waitingForLock) await runtime.executions.mergeDetails(ctx.execution.id, { waitingForLock: null });
    return await work(lock.signal);
  } finally {
    await lock.release();
  }
}
