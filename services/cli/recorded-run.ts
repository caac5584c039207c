import type { Execution } from '../../shared/catalog/entities';
import { errorMessage } from '../../shared/errors';
import { createLogger } from '../../shared/logging';
import { announceOutcome, FinishedRun } from '../../shared/notify/announce-outcome';
import type { ProgressReporter } from '../../shared/domain/job-progress';
import type { NewExecution } from '../../shared/catalog/repositories';
import type { Runtime } from '../../shared/runtime/runtime';
import { interruptSignal } from './interrupt';
import { ProgressDisplay } from './progress-display';

const logger = createLogger('CLI');

/** Announced like a worker's job: a CLI run must not fail (or succeed) silently, and it feeds the heartbeat. */
async function announce(runtime: Runtime, executionId: string, run: Omit<FinishedRun, 'execution'>): Promise<void> {
  try {
    const execution = await runtime.executions.findById(executionId);
    if (execution) await announceOutcome(runtime, { ...run, execution });
  } catch (err) {
    logger.warn(`Could not queue the notification of ${run.queue} ${executionId}: ${errorMessage(err)}`);
  }
}

/**
 * Runs `work` in this process as a recorded run: an execution with trigger `cli`
 * that goes running → completed | failed with the reason, a progress bar on
 * stderr, and the same notification event a worker's job would raise.
 */
export async function runRecorded<T>(
  runtime: Runtime,
  what: Omit<NewExecution, 'trigger' | 'queue'> & { kind: FinishedRun['queue'] },
  request: FinishedRun['request'],
  lockLost: AbortSignal | undefined,
  work: (execution: Execution, onProgress: ProgressReporter, stop: AbortSignal) => Promise<T>,
): Promise<T> {
  // Ctrl-C, or losing the lock the run holds: both stop it the safe way.
  const stop = AbortSignal.any([interruptSignal(), ...(lockLost ? [lockLost] : [])]);
  const execution = await runtime.executions.create({ ...what, trigger: 'cli', queue: what.kind });
  await runtime.executions.markRunning(execution.id, 1);
  const display = new ProgressDisplay(what.kind);
  try {
    const result = await work(execution, display.update, stop);
    await runtime.executions.markCompleted(execution.id);
    display.done();
    await announce(runtime, execution.id, { queue: what.kind, status: 'completed', request });
    return result;
  } catch (err) {
    display.done();
    await runtime.executions.markFailed(execution.id, errorMessage(err), true);
    await announce(runtime, execution.id, { queue: what.kind, status: 'failed', error: errorMessage(err), request });
    throw err;
  }
}
