import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import type { Execution } from '../../shared/catalog/entities';
import type { ExecutionRepository } from '../../shared/catalog/repositories';
import { errorMessage, isAppError } from '../../shared/errors';
import type { Logger } from '../../shared/logging';
import type { JobProgress } from '../../shared/domain/job-progress';
import type { QueueName } from '../../shared/queue/queue-names';
import type { Trigger } from '../../shared/domain/types';

export interface JobContext {
  execution: Execution;
  logger: Logger;
  progress(progress: JobProgress): void;
  /** The worker's lock token of this job, needed to move it (e.g. `job.moveToDelayed`). */
  token?: string;
}

/**
 * Thrown (after `job.moveToDelayed`) by a handler that must wait, e.g. for a
 * resource lock: not a failure, no attempt is used, the execution goes back to `queued`.
 */
export class JobDelayedError extends DelayedError {
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

export type JobHandler<Data> = (job: Job<Data>, ctx: JobContext) => Promise<unknown>;

/** How a job ended for good: completed, or failed with no attempt left. */
export interface JobOutcome {
  queue: QueueName;
  job: Job;
  execution: Execution;
  status: 'completed' | 'failed';
  result?: unknown;
  error?: string;
}

/**
 * Told about every final outcome (e.g. to send notifications). A listener's own
 * failure is logged and never changes the job's outcome.
 */
export interface JobOutcomeListener {
  onOutcome(outcome: JobOutcome): Promise<void>;
}

interface ExecutionData {
  executionId?: string;
  trigger?: Trigger;
  scheduleId?: string | null;
}

/**
 * Wraps a handler with the execution lifecycle: the catalog row goes
 * running → completed / retrying / failed with the reason, and every failure is
 * rethrown so BullMQ retries it, shows it in Bull Board and keeps it. Errors
 * that retrying cannot fix become `UnrecoverableError`.
 */
export function withExecution<Data extends ExecutionData>(
  queue: QueueName,
  executions: ExecutionRepository,
  logger: Logger,
  handler: JobHandler<Data>,
  listeners: readonly JobOutcomeListener[] = [],
) {
  const tell = (outcome: JobOutcome) => tellListeners(listeners, logger, outcome);
  return async (job: Job<Data>, token?: string): Promise<unknown> => {
    const execution = await resolveExecution(queue, executions, job);
    const attempt = job.attemptsMade + 1;
    await executions.markRunning(execution.id, attempt);
    let lastProgress = '';
    const ctx: JobContext = {
      execution,
      logger,
      token,
      progress: (p) => {
        const key = `${p.stage}:${p.percent}`;
        if (key === lastProgress) return;
        lastProgress = key;
        job.updateProgress(p).catch((err) => logger.warn(`Could not report progress: ${errorMessage(err)}`));
      },
    };
    try {
      const result = await handler(job, ctx);
      await executions.markCompleted(execution.id);
      await tell({ queue, job, execution: (await executions.findById(execution.id)) ?? execution, status: 'completed', result });
      return result;
    } catch (err) {
      if (err instanceof DelayedError) {
        await executions.markWaiting(execution.id, attempt - 1, err instanceof JobDelayedError ? err.details : {});
        logger.info(`Job ${job.name} ${job.id} delayed: ${err.message}`);
        throw err;
      }
      const permanent = err instanceof UnrecoverableError || (isAppError(err) && !err.retryable);
      const final = permanent || attempt >= (job.opts.attempts ?? 1);
      await executions.markFailed(execution.id, errorMessage(err), final);
      logger.error(`Job ${job.name} ${job.id} attempt ${attempt} failed${final ? '' : ' (will retry)'}: ${errorMessage(err)}`);
      if (final) await tell({ queue, job, execution: (await executions.findById(execution.id)) ?? execution, status: 'failed', error: errorMessage(err) });
      if (permanent && !(err instanceof UnrecoverableError)) throw new UnrecoverableError(errorMessage(err));
      throw err;
    }
  };
}

async function tellListeners(listeners: readonly JobOutcomeListener[], logger: Logger, outcome: JobOutcome): Promise<void> {
  for (const listener of listeners) {
    await listener.onOutcome(outcome).catch((err) => logger.error(`Outcome listener failed: ${errorMessage(err)}`));
  }
}

/**
 * BullMQ failed a job without our handler finishing it — its worker died and
 * the job stalled. Close the execution row that still says running or queued.
 */
export async function recordAbandonedJob(
  queue: QueueName,
  executions: ExecutionRepository,
  logger: Logger,
  listeners: readonly JobOutcomeListener[],
  job: Job,
  reason: string,
): Promise<void> {
  const executionId = (job.data as ExecutionData).executionId;
  const execution = executionId ? await executions.findById(executionId) : null;
  if (!execution || !['running', 'queued'].includes(execution.status)) return;
  const error = `The worker stopped during this job (${reason}); nothing was committed after the last completed step`;
  await executions.markFailed(execution.id, error, true);
  logger.error(`Job ${job.name} ${job.id} was abandoned: ${reason}`);
  await tellListeners(listeners, logger, { queue, job, execution: (await executions.findById(execution.id)) ?? execution, status: 'failed', error });
}

/** Jobs from the API carry their execution id; jobs from a job scheduler get one on first run. */
async function resolveExecution<Data extends ExecutionData>(queue: QueueName, executions: ExecutionRepository, job: Job<Data>): Promise<Execution> {
  if (job.data.executionId) {
    const existing = await executions.findById(job.data.executionId);
    if (existing) return existing;
  }
  const created = await executions.create({
    kind: queue,
    queue,
    jobId: job.id ?? null,
    trigger: job.data.trigger ?? 'schedule',
    scheduleId: job.data.scheduleId ?? null,
  });
  await job.updateData({ ...job.data, executionId: created.id });
  return created;
}
