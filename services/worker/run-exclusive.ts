import type { Job } from 'bullmq';
import type { Runtime } from '../../shared/runtime/runtime';
import { JobContext, JobDelayedError } from './job-runner';

/**
 * Runs `work` while holding the lock on `resource` (renewed meanwhile, released
 * after). When another job holds it, this job is delayed — not failed, no
 * attempt used, the execution `waiting` — and tries again after
 * BACKUP_LOCK_RETRY_SECONDS. The execution's times bracket the work under the
 * lock: it begins once the lock is taken and its outcome is recorded before the
 * lock is released, so two runs of one resource never show overlapping times.
 * `work` gets a signal that aborts if the lock is lost or the worker is stopping.
 */
export async function runExclusive<T>(
  runtime: Pick<Runtime, 'locks' | 'executions' | 'config'>,
  job: Job,
  ctx: JobContext,
  resource: string | null,
  work: (stop: AbortSignal) => Promise<T>,
): Promise<T> {
  if (!resource) return work(ctx.stopping);
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
    await ctx.begin();
    if (ctx.execution.details?.waitingForLock) await runtime.executions.mergeDetails(ctx.execution.id, { waitingForLock: null });
    const result = await work(AbortSignal.any([lock.signal, ctx.stopping]));
    await ctx.settle();
    return result;
  } catch (err) {
    await ctx.settle(err);
    throw err;
  } finally {
    await lock.release();
  }
}
