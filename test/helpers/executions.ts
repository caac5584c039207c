import type { Execution } from '../../shared/catalog/entities';
import type { ExecutionKind } from '../../shared/domain/types';
import type { Runtime } from '../../shared/runtime/runtime';
import { waitFor } from './wait';

export function isFinished(execution: Execution | null | undefined): execution is Execution {
  return !!execution && (execution.status === 'completed' || execution.status === 'failed');
}

/** Waits until an execution is completed or failed, and returns it. */
export function executionFinished(runtime: Pick<Runtime, 'executions'>, id: string, timeoutMs = 60_000): Promise<Execution> {
  return waitFor(
    async () => {
      const e = await runtime.executions.findById(id);
      return isFinished(e) ? e : undefined;
    },
    `execution ${id} to finish`,
    timeoutMs,
  );
}

/** The ids of every execution of `kind` so far, for `newExecutionFinished` to look past. */
export async function executionIds(runtime: Pick<Runtime, 'executions'>, kind: ExecutionKind): Promise<Set<string>> {
  const { items } = await runtime.executions.list({ page: 1, pageSize: 100, kind });
  return new Set(items.map((e) => e.id));
}

/**
 * Waits for an execution of `kind` that is not in `known` (and matches `match`) to finish: the one a
 * step of the test caused, told apart from earlier ones by identity rather than by clock times.
 */
export function newExecutionFinished(
  runtime: Pick<Runtime, 'executions'>,
  kind: ExecutionKind,
  known: Set<string>,
  match: (e: Execution) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<Execution> {
  return waitFor(
    async () => {
      const { items } = await runtime.executions.list({ page: 1, pageSize: 100, kind });
      return items.find((e) => !known.has(e.id) && match(e) && isFinished(e));
    },
    `a new ${kind} execution to finish`,
    timeoutMs,
  );
}
