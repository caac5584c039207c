import { Worker } from 'bullmq';
import { AppError, ErrorCode } from '../../shared/errors';
import { createRedisConnection } from '../../shared/queue/redis-connection';
import { createLogger, LogTag } from '../../shared/logging';
import type { QueueName } from '../../shared/queue/queue-names';
import type { Runtime } from '../../shared/runtime/runtime';
import { withTimeout } from '../../shared/util/with-timeout';
import { closeBackupsOfDeadAttempt, recordStalledJob } from './interrupted-runs';
import { JobOutcomeListener, recordAbandonedJob, withExecution } from './job-runner';
import { ProcessorFactory, PROCESSORS } from './processors';
import type { JobPayloads } from '../../shared/queue/job-payloads';

const TAGS: Record<QueueName, LogTag> = { backup: 'Backup', restore: 'Restore', verify: 'Verify', prune: 'Prune', notify: 'Notify' };

/** How long aborted jobs get to record their outcome before the process exits anyway (e.g. Redis is down). */
const ABORT_SETTLE_MS = 15_000;

/** One BullMQ Worker per selected queue, each on its own blocking connection, and the jobs they run. */
export class WorkerPool {
  readonly workers: Worker[];
  private readonly stopping = new AbortController();
  private readonly active = new Set<Promise<unknown>>();

  constructor(
    private readonly runtime: Runtime,
    queues: QueueName[],
    listeners: readonly JobOutcomeListener[] = [],
  ) {
    this.workers = queues.map((queue) => this.startWorker(queue, listeners));
  }

  /**
   * Stops taking jobs and lets the active ones finish for `graceMs`; then aborts
   * them through their signal (a backup commits nothing, a restore stops before
   * its swap), gives them a bounded time to record why, and returns — whether or
   * not Redis answers.
   */
  async shutdown(graceMs: number): Promise<'drained' | 'aborted'> {
    const closing = Promise.all(this.workers.map((w) => w.close()));
    const drained = await withTimeout(closing, graceMs).then(
      () => true,
      () => false,
    );
    if (drained) return 'drained';
    const seconds = Math.round(graceMs / 1000);
    this.stopping.abort(
      new AppError(ErrorCode.Interrupted, `The worker was stopped and its shutdown grace (${seconds} s) ran out; nothing was committed`, { retryable: true }),
    );
    await withTimeout(Promise.allSettled([...this.active]), ABORT_SETTLE_MS).catch(() => undefined);
    return 'aborted';
  }

  private startWorker<Q extends QueueName>(queue: Q, listeners: readonly JobOutcomeListener[]): Worker<JobPayloads[Q]> {
    const runtime = this.runtime;
    const factory: ProcessorFactory<Q> | undefined = PROCESSORS[queue];
    if (!factory) throw new Error(`No handler for queue ${queue}`);
    const logger = createLogger(TAGS[queue]);
    const handler = withExecution(queue, runtime.executions, logger, factory(runtime), listeners, this.stopping.signal);
    const tracked: typeof handler = (job, token) => {
      const run = handler(job, token);
      this.active.add(run);
      void run.catch(() => undefined).finally(() => this.active.delete(run));
      return run;
    };
    const worker = new Worker<JobPayloads[Q]>(queue, tracked, {
      connection: createRedisConnection(runtime.config.REDIS_URL, 'worker'),
      prefix: runtime.config.BACKUP_QUEUE_PREFIX,
      concurrency: runtime.config.WORKER_CONCURRENCY,
      lockDuration: runtime.config.BACKUP_JOB_LOCK_SECONDS * 1000,
      stalledInterval: Math.min(30_000, runtime.config.BACKUP_JOB_LOCK_SECONDS * 500),
      // A restore whose worker died is reported, never silently re-run later.
      maxStalledCount: queue === 'restore' ? 0 : 1,
    });
    worker.on('error', (err) => logger.error(`Worker error: ${err.message}`));
    worker.on('stalled', (jobId) => void recordStalledJob(runtime, queue, logger, jobId));
    worker.on('failed', (job, err) => {
      if (!job) return;
      void recordAbandonedJob(queue, runtime.executions, logger, listeners, job, err.message)
        .then((executionId) => {
          // Nobody takes this job over: close what its dead attempt was writing, once its lock has expired.
          if (executionId && (queue === 'backup' || queue === 'restore'))
            return closeBackupsOfDeadAttempt(runtime, logger, executionId, runtime.locks.ttlMs + 10_000);
        })
        .catch((e) => logger.warn(`Could not close the abandoned job ${job.id}: ${e instanceof Error ? e.message : String(e)}`));
    });
    return worker;
  }
}

/** Starts one BullMQ Worker per selected queue. */
export function startWorkers(runtime: Runtime, queues: QueueName[], listeners: readonly JobOutcomeListener[] = []): WorkerPool {
  return new WorkerPool(runtime, queues, listeners);
}
