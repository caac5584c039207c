import type { Queue } from 'bullmq';
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
