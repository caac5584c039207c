import { errorMessage } from '../../errors';
import type { Logger } from '../../logging';
import { backupLockResource } from '../../queue/locks';
import type { Config } from '../../config';
import type { RestoreJournalRepository } from '../../catalog/repositories';
import type { ResourceLocks } from '../../queue/locks';
import { createPostgresExecutor } from '../../engine/postgres/postgres-executor-factory';
import { recoverSwaps, SwapRecoveryDeps } from './swap-recovery';

/** The part of the runtime the recovery reads. */
export interface RecoveryRuntime {
  config: Config;
  journal: RestoreJournalRepository;
  executions: SwapRecoveryDeps['executions'];
  locks: Pick<ResourceLocks, 'tryAcquire'>;
}

/** What the swap recovery of the configured database needs; null when DATABASE_URL cannot be read (the run then fails with the reason). */
export async function swapRecoveryDeps(runtime: RecoveryRuntime, logger: Logger): Promise<SwapRecoveryDeps | null> {
  const resource = backupLockResource(runtime.config, 'database');
  if (!resource) return null;
  return {
    journal: runtime.journal,
    executions: runtime.executions,
    executor: await createPostgresExecutor(runtime.config),
    resource,
    lockTimeoutMs: runtime.config.BACKUP_SWAP_LOCK_TIMEOUT_SECONDS * 1000,
    logger,
  };
}

/** Before a backup or restore of the database (the caller holds its lock): settle what a dead run left. */
export async function recoverBeforeRun(runtime: RecoveryRuntime, logger: Logger): Promise<void> {
  const deps = await swapRecoveryDeps(runtime, logger);
  if (deps) await recoverSwaps(deps);
}

/**
 * At worker start and periodically: settles unfinished restores unless their
 * database is locked (a run that holds the lock is alive, or its lock has not
 * expired yet: the next check comes soon). Never throws.
 */
export async function recoverIfFree(runtime: RecoveryRuntime, logger: Logger): Promise<'recovered' | 'nothing' | 'busy' | 'error'> {
  try {
    const resource = backupLockResource(runtime.config, 'database');
    if (!resource || (await runtime.journal.unfinished(resource)).length === 0) return 'nothing';
    const lock = await runtime.locks.tryAcquire(resource);
    if (!lock) return 'busy';
    try {
      await recoverBeforeRun(runtime, logger);
      return 'recovered';
    } finally {
      await lock.release();
    }
  } catch (err) {
    logger.error(`Swap recovery failed (tried again later): ${errorMessage(err)}`);
    return 'error';
  }
}

/** Checks every `intervalMs` (unref'd: it never keeps a process alive). */
export function startRecoveryLoop(runtime: RecoveryRuntime, logger: Logger, intervalMs: number): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void recoverIfFree(runtime, logger).finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
