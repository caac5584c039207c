import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import type { Execution } from '../../shared/catalog/entities';
import type { ExecutionRepository } from '../../shared/catalog/repositories';
import { errorMessage, isAppError } from '../../shared/errors';
import type { Logger } from '../../shared/logging';
import type { JobProgress } from '../../shared/domain/job-progress';
import type { QueueName } from '../../shared/queue/queue-names';
import type { Trigger } from '../../shared/domain/types';
import { INTERRUPTED_REASON } from '../../shared/jobs/close-interrupted-backups';

export interface JobContext {
  execution: Execution;
  logger: Logger;
  progress(progress: JobProgress): void;
  /** The worker's lock token of this job, needed to move it (e.g. `job.moveToDelayed`). */
  token?: string;
  /** Aborted when the worker stops and its shutdown grace is over: the job must stop at its next safe point. */
  stopping: AbortSignal;
  /** The work proper starts now (e.g. its lock was just taken): the execution's `startedAt`. */
  begin(): Promise<void>;
  /**
   * Records how the work ended (`error` absent: completed) — once; later calls
   * do nothing. A job holding a lock calls it before releasing the lock, so its
   * `finishedAt` is inside the time it held it; otherwise the runner records it.
   */
  settle(error?: unknown): Promise<void>;
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

/** An attempt started, or reported a progress step. */
export interface JobActivity {
  queue: QueueName;
  job: Job;
  execution: Execution;
  type: 'started' | 'progress';
  progress?: JobProgress;
}

/**
 * Told about every final outcome (e.g. to send notifications), and optionally about
 * starts and progress (live events). A listener's own failure is logged and never
 * changes the job's outcome; `onActivity` must not block.
 */
export interface JobOutcomeListener {
  onOutcome(outcome: JobOutcome): Promise<void>;
  onActivity?(activity: JobActivity): void;
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
  stopping: AbortSignal = new AbortController().signal,
) {
  const tell = (outcome: JobOutcome) => tellListeners(listeners, logger, outcome);
  return async (job: Job<Data>, token?: string): Promise<unknown> => {
    const execution = await resolveExecution(queue, executions, job);
    // A row still `running` (or `retrying` after a stall) belongs to an attempt whose worker died:
    // BullMQ does not count that attempt, the history does. A `waiting` row recorded the attempts
    // made before it waited for its lock, which may include such a dead attempt.
    const resumed = execution.status === 'running' || execution.status === 'retrying' || execution.status === 'waiting';
    const attempt = Math.max(job.attemptsMade + 1, resumed ? execution.attempts + 1 : 0);
    if (execution.status === 'running' || (execution.status === 'retrying' && execution.error === INTERRUPTED_REASON))
      await executions.mergeDetails(execution.id, { interruptedAttempt: { attempt: execution.attempts, reason: INTERRUPTED_REASON } });
    const activity = (a: Pick<JobActivity, 'type' | 'progress'>) => {
      for (const listener of listeners) {
        try {
          listener.onActivity?.({ queue, job, execution, ...a });
        } catch (err) {
          logger.warn(`Activity listener failed: ${errorMessage(err)}`);
        }
      }
    };
    let lastProgress = '';
    let settled: Promise<boolean> | undefined;
    let began = false;
    const begin = async () => {
      if (!began) activity({ type: 'started' });
      began = true;
      await executions.markRunning(execution.id, attempt);
    };
    const permanentError = (err: unknown) => err instanceof UnrecoverableError || (isAppError(err) && !err.retryable);
    // BullMQ's own count decides whether it retries; a stall is not counted there.
    const isFinal = (err: unknown) => permanentError(err) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    /** Records the outcome once; resolves to whether this call recorded it. */
    const settle = (err?: unknown): Promise<boolean> =>
      (settled ??= (async () => {
        if (!began) await begin();
        if (err === undefined) await executions.markCompleted(execution.id);
        else await executions.markFailed(execution.id, errorMessage(err), isFinal(err));
        return true;
      })());
    const ctx: JobContext = {
      execution,
      logger,
      token,
      stopping,
      begin,
      settle: async (err) => void (await settle(err)),
      progress: (p) => {
        const key = `${p.stage}:${p.percent}`;
        if (key === lastProgress) return;
        lastProgress = key;
        activity({ type: 'progress', progress: p });
        job.updateProgress(p).catch((err) => logger.warn(`Could not report progress: ${errorMessage(err)}`));
      },
    };
    await begin();
    try {
      const result = await handler(job, ctx);
      await settle();
      await tell({ queue, job, execution: (await executions.findById(execution.id)) ?? execution, status: 'completed', result });
      return result;
    } catch (err) {
      if (err instanceof DelayedError) {
        await executions.markWaiting(execution.id, attempt - 1, err instanceof JobDelayedError ? err.details : {});
        logger.info(`Job ${job.name} ${job.id} delayed: ${err.message}`);
        throw err;
      }
      await settle(err);
      const permanent = permanentError(err);
      const final = isFinal(err);
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
): Promise<string | null> {
  const executionId = (job.data as ExecutionData).executionId;
  const execution = executionId ? await executions.findById(executionId) : null;
  // `retrying` with the stall's reason: noticed stalled before, now given up.
  if (!execution || !(['running', 'queued'].includes(execution.status) || execution.error === INTERRUPTED_REASON)) return null;
  const error = `The worker stopped during this job (${reason}); nothing was committed after the last completed step`;
  await executions.markFailed(execution.id, error, true);
  logger.error(`Job ${job.name} ${job.id} was abandoned: ${reason}`);
  await tellListeners(listeners, logger, { queue, job, execution: (await executions.findById(execution.id)) ?? execution, status: 'failed', error });
  return execution.id;
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
