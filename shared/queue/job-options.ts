import type { JobsOptions } from 'bullmq';
import type { QueueName } from './queue-names';

const DAY_SECONDS = 24 * 60 * 60;

/**
 * Retry and retention of jobs per queue. Failed jobs stay in Redis for a month so
 * Bull Board can show them; the catalog keeps the history for good.
 */
export function defaultJobOptions(queue: QueueName, attempts: number): JobsOptions {
  const base: JobsOptions = {
    attempts,
    backoff: { type: 'exponential', delay: 30_000 },
    removeOnComplete: { age: 7 * DAY_SECONDS, count: 1000 },
    removeOnFail: { age: 30 * DAY_SECONDS },
  };
  if (queue === 'notify') return { ...base, attempts: Math.max(attempts, 5), backoff: { type: 'exponential', delay: 5_000 } };
  return base;
}
