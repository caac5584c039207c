import { Worker } from 'bullmq';
import { createRedisConnection } from '../../shared/queue/redis-connection';
import { createLogger, LogTag } from '../../shared/logging';
import type { QueueName } from '../../shared/queue/queue-names';
import type { Runtime } from '../../shared/runtime/runtime';
import { JobOutcomeListener, withExecution } from './job-runner';
import { PROCESSORS } from './processors';

const TAGS: Record<QueueName, LogTag> = { backup: 'Backup', restore: 'Restore', verify: 'Verify', prune: 'Prune', notify: 'Notify' };

/** Starts one BullMQ Worker per selected queue, each on its own blocking connection. */
export function startWorkers(runtime: Runtime, queues: QueueName[], listeners: readonly JobOutcomeListener[] = []): Worker[] {
  return queues.map((queue) => {
    const factory = PROCESSORS[queue];
    if (!factory) throw new Error(`No handler for queue ${queue}`);
    const logger = createLogger(TAGS[queue]);
    const handler = withExecution(queue, runtime.executions, logger, factory(runtime), listeners);
    const worker = new Worker(queue, handler, {
      connection: createRedisConnection(runtime.config.REDIS_URL, 'worker'),
      prefix: runtime.config.BACKUP_QUEUE_PREFIX,
      concurrency: runtime.config.WORKER_CONCURRENCY,
      // A pg_dump can stall the event loop briefly under load; give lock renewal room.
      lockDuration: 60_000,
    });
    worker.on('error', (err) => logger.error(`Worker error: ${err.message}`));
    return worker;
  });
}
