import { Worker } from 'bullmq';
import { createRedisConnection } from '../../shared/queue/redis-connection';
import { createLogger, LogTag } from '../../shared/logging';
import type { QueueName } from '../../shared/queue/queue-names';
import type { Runtime } from '../../shared/runtime/runtime';
import { JobOutcomeListener, recordAbandonedJob, withExecution } from './job-runner';
import { ProcessorFactory, PROCESSORS } from './processors';
import type { JobPayloads } from '../../shared/queue/job-payloads';

const TAGS: Record<QueueName, LogTag> = { backup: 'Backup', restore: 'Restore', verify: 'Verify', prune: 'Prune', notify: 'Notify' };

/** Starts one BullMQ Worker per selected queue, each on its own blocking connection. */
export function startWorkers(runtime: Runtime, queues: QueueName[], listeners: readonly JobOutcomeListener[] = []): Worker[] {
  return queues.map((queue) => startWorker(runtime, queue, listeners));
}

function startWorker<Q extends QueueName>(runtime: Runtime, queue: Q, listeners: readonly JobOutcomeListener[]): Worker<JobPayloads[Q]> {
  const factory: ProcessorFactory<Q> | undefined = PROCESSORS[queue];
  if (!factory) throw new Error(`No handler for queue ${queue}`);
  const logger = createLogger(TAGS[queue]);
  const handler = withExecution(queue, runtime.executions, logger, factory(runtime), listeners);
  const worker = new Worker<JobPayloads[Q]>(queue, handler, {
    connection: createRedisConnection(runtime.config.REDIS_URL, 'worker'),
    prefix: runtime.config.BACKUP_QUEUE_PREFIX,
    concurrency: runtime.config.WORKER_CONCURRENCY,
    lockDuration: runtime.config.BACKUP_JOB_LOCK_SECONDS * 1000,
    stalledInterval: Math.min(30_000, runtime.config.BACKUP_JOB_LOCK_SECONDS * 500),
    // A restore whose worker died is reported, never silently re-run later.
    maxStalledCount: queue === 'restore' ? 0 : 1,
  });
  worker.on('error', (err) => logger.error(`Worker error: ${err.message}`));
  worker.on('failed', (job, err) => {
    if (job) void recordAbandonedJob(queue, runtime.executions, logger, listeners, job, err.message);
  });
  return worker;
}
