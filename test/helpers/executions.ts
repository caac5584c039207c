import type { Execution } from '../../shared/catalog/entities';
import type { Runtime } from '../../shared/runtime/runtime';
import { waitFor } from './wait';

export function isFinished(execution: Execution | null | undefined): execution is Execution {
  return !!execution && (execution.status === 'completed' || execution.status === 'failed');
}

/** Waits until an execution is completed or failed, and returns it. */
export function executionFinished(runtime: Pick<Runtime, 'executions'>, id: string, timeoutMs = 30_000): Promise<Execution> {
  return waitFor(
    async () => {
      const e = await runtime.executions.findById(id);
      return isFinished(e) ? e : undefined;
    },
    `execution ${id} to finish`,
    timeoutMs,
  );
}
