import type { Job, Queue } from 'bullmq';
import type { Runtime } from '../../shared/runtime/runtime';
import { waitFor } from './wait';

/** Moves every delayed job (a retry waiting for its backoff) to the front, so tests never sleep through backoffs. */
export async function promoteDelayed(queue: Queue): Promise<void> {
  for (const job of await queue.getDelayed()) await job.promote().catch(() => undefined);
}

/** Waits until the notify queue has nothing waiting, running or delayed, promoting retries as they appear. */
export async function drainNotifyQueue(runtime: Runtime, timeoutMs = 30_000): Promise<void> {
  const queue = runtime.queues.get('notify');
  await waitFor(
    async () => {
      await promoteDelayed(queue);
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0) ? true : undefined;
    },
    'the notify queue to drain',
    timeoutMs,
  );
}

/**
 * The job once its retry is scheduled (state `delayed`). The delivery attempt is recorded while the
 * job is still active and locked by the worker, so only from then on can a test remove it.
 */
export function retryScheduled(queue: Queue, jobId: string): Promise<Job> {
  return waitFor(async () => {
    const job = await queue.getJob(jobId);
    return (await job?.getState()) === 'delayed' ? job : undefined;
  }, `job ${jobId} to wait for its retry`);
}
