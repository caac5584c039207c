import { randomUUID } from 'node:crypto';
import type { JobsOptions, Queue } from 'bullmq';
import { ExecutionRepository } from '../catalog/repositories/execution.repository';
import { AppError, ErrorCode, errorMessage } from '../errors';
import { defaultJobOptions } from './job-options';
import { JobPayloads, jobName, QueueWithPayload } from './job-payloads';
import { QueueRegistry } from './queue-registry';
import { withTimeout } from '../util/with-timeout';

/** An API request should fail with 503, not hang, while Redis is away. */
const ENQUEUE_TIMEOUT_MS = 5000;

export interface EnqueueDeps {
  queues: QueueRegistry;
  executions: ExecutionRepository;
  attempts: number;
}

export interface EnqueuedJob {
  executionId: string;
  jobId: string;
  queue: QueueWithPayload;
  /** True when a job with the same id already existed (e.g. a duplicate trigger for one schedule slot). */
  deduplicated: boolean;
}

/**
 * The one way to start work: records the intent in the catalog (an `execution`
 * row) and adds the BullMQ job with the execution id as job id, so the API,
 * Bull Board and the history all name the same thing.
 */
/**
 * A job id that names a unit of work (a schedule slot) deduplicates against the
 * job that holds it; a job that failed for good no longer holds it, so the
 * work can be asked for again (e.g. a CronJob retrying a failed slot).
 */
async function replaceFailed(queue: Queue, jobId: string): Promise<void> {
  const prior = await withTimeout(queue.getJob(jobId), ENQUEUE_TIMEOUT_MS, 'Redis did not answer in time');
  if (prior && (await prior.isFailed())) await prior.remove().catch(() => undefined);
}

export async function enqueue<Q extends QueueWithPayload>(deps: EnqueueDeps, queue: Q, data: JobPayloads[Q], options: JobsOptions = {}): Promise<EnqueuedJob> {
  const executionId = randomUUID();
  const jobId = options.jobId ?? executionId;
  await deps.executions.create({ id: executionId, jobId, kind: queue, trigger: data.trigger, queue, scheduleId: data.scheduleId ?? null });
  let existingExecution: string | undefined;
  try {
    const bullQueue = deps.queues.get(queue);
    if (options.jobId) await replaceFailed(bullQueue, options.jobId);
    const adding = bullQueue.add(
      jobName(queue, data),
      { ...data, executionId },
      {
        ...defaultJobOptions(queue, deps.attempts),
        ...options,
        jobId,
      },
    );
    await withTimeout(adding, ENQUEUE_TIMEOUT_MS, 'Redis did not answer in time');
    // BullMQ answers a duplicate id with a Job built from *our* data; only the stored job tells who came first.
    if (options.jobId) {
      const stored = await withTimeout(bullQueue.getJob(jobId), ENQUEUE_TIMEOUT_MS, 'Redis did not answer in time');
      existingExecution = (stored?.data as { executionId?: string } | undefined)?.executionId;
    }
  } catch (err) {
    await deps.executions.markFailed(executionId, `Could not queue the job: ${errorMessage(err)}`, true);
    throw new AppError(ErrorCode.QueueUnavailable, 'The job queue is not reachable; nothing was started', { cause: err });
  }
  if (existingExecution && existingExecution !== executionId) {
    await deps.executions.delete(executionId);
    return { executionId: existingExecution, jobId, queue, deduplicated: true };
  }
  return { executionId, jobId, queue, deduplicated: false };
}
