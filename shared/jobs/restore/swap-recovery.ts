import type { RestoreJournalEntry } from '../../catalog/entities';
import type { ExecutionRepository, RestoreJournalRepository } from '../../catalog/repositories';
import { planRecovery, RecoveryPlan } from '../../domain/swap-recovery';
import { errorMessage } from '../../errors';
import type { Logger } from '../../logging';
import type { PostgresExecutor } from '../../engine/postgres/postgres-executor';
import { applyPlan, openSwapSession, serverDatabases, terminateRunSessions } from './database-swap';

export interface SwapRecoveryDeps {
  journal: RestoreJournalRepository;
  executions: Pick<ExecutionRepository, 'findById' | 'markCompleted' | 'markFailed' | 'mergeDetails'>;
  executor: PostgresExecutor;
  /** The lock resource of the database: journal rows are filed under it. */
  resource: string;
  lockTimeoutMs: number;
  logger: Logger;
}

/**
 * Settles one unfinished restore: ends the server sessions its run left, reads
 * the databases by OID, decides by the journal (`planRecovery`) and puts them in
 * place. The caller holds the database lock.
 */
export async function settleRestore(
  deps: SwapRecoveryDeps,
  entry: RestoreJournalEntry,
  mode: 'interrupted' | 'failed',
  /** Runs after the databases are in place and before the journal entry is closed: a crash in between is settled again. */
  beforeClosing: (plan: RecoveryPlan) => Promise<void> = async () => undefined,
): Promise<RecoveryPlan> {
  const session = await openSwapSession(deps.executor, { executionId: entry.executionId, lockTimeoutMs: deps.lockTimeoutMs });
  try {
    const terminated = await terminateRunSessions(session, entry.executionId);
    if (terminated > 0) deps.logger.warn(`Ended ${terminated} server session(s) left by restore ${entry.executionId}`);
    const plan = planRecovery(entry, await serverDatabases(session), mode);
    if (plan.outcome === 'stuck') {
      await deps.journal.finish(entry.id, 'failed', plan.summary);
      deps.logger.error(`Restore ${entry.executionId}: ${plan.summary}`);
      return plan;
    }
    // Journal the steps only when going forward: a rollback that is interrupted is simply decided again.
    const onStep = plan.outcome === 'rolled_forward' ? (step: RestoreJournalEntry['step']) => deps.journal.step(entry.id, step) : async () => undefined;
    await applyPlan(session, plan, onStep, deps.logger);
    await beforeClosing(plan);
    await deps.journal.finish(entry.id, mode === 'failed' && plan.outcome === 'rolled_back' ? 'failed' : plan.outcome);
    return plan;
  } finally {
    await session.close();
  }
}

async function recordOnExecution(deps: SwapRecoveryDeps, entry: RestoreJournalEntry, plan: RecoveryPlan): Promise<void> {
  const facts = { recovery: plan.summary, database: entry.liveName, previousDatabase: plan.previousDatabase };
  // Details first: whoever sees the final status also sees what it means.
  if (plan.outcome === 'rolled_forward') {
    await deps.executions.mergeDetails(entry.executionId, { ...facts, recovered: true });
    await deps.executions.markCompleted(entry.executionId);
    return;
  }
  await deps.executions.mergeDetails(entry.executionId, facts);
  const execution = await deps.executions.findById(entry.executionId);
  const live = plan.live === 'old' ? `${entry.liveName} holds its content from before the restore` : `${entry.liveName} could not be put back`;
  if (execution?.status !== 'failed') await deps.executions.markFailed(entry.executionId, `The restore was interrupted and ${plan.summary}; ${live}`, true);
}

/**
 * Settles every restore of this database that a dead run left unfinished, so
 * the live name is a database that accepts connections and holds either its old
 * or the restored content. The caller holds the database lock.
 */
export async function recoverSwaps(deps: SwapRecoveryDeps): Promise<RecoveryPlan[]> {
  const plans: RecoveryPlan[] = [];
  for (const entry of await deps.journal.unfinished(deps.resource)) {
    try {
      const plan = await settleRestore(deps, entry, 'interrupted', (settled) => recordOnExecution(deps, entry, settled));
      deps.logger.warn(`Recovered the interrupted restore ${entry.executionId} of ${entry.liveName}: ${plan.summary}`);
      plans.push(plan);
    } catch (err) {
      deps.logger.error(`Could not recover the interrupted restore ${entry.executionId} of ${entry.liveName} (tried again later): ${errorMessage(err)}`);
      throw err;
    }
  }
  return plans;
}
