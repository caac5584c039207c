import type { JobsOptions } from 'bullmq';
import type { QueueName } from './queue-names';

const DAY_SECONDS = 24 * 60 * 60;
export const NOTIFY_ATTEMPTS = 8;

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
  // A receiver being redeployed should not lose an event: 8 attempts, 10 s doubling, span about 21 minutes.
  if (queue === 'notify') return { ...base, attempts: Math.max(attempts, NOTIFY_ATTEMPTS), backoff: { type: 'exponential', delay: 10_000 } };
  return base;
}
