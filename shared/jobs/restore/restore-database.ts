import type { Backup, RestoreJournalEntry } from '../../catalog/entities';
import { planRecovery } from '../../domain/swap-recovery';
import { AppError, ErrorCode, errorMessage } from '../../errors';
import type { Logger } from '../../logging';
import type { ProgressReporter } from '../../domain/job-progress';
import type { KeyRing } from '../../engine/crypto/key-ring';
import { MAINTENANCE_DATABASE } from '../../engine/postgres/postgres-executor';
import { decodeBackup } from '../../engine/decode-pipeline';
import { crashPoint } from './crash-point';
import { DatabaseAdmin, TableStats } from './database-admin';
import { applyPlan, openSwapSession, serverDatabases } from './database-swap';
import { previousDatabaseName, restoreDatabaseName } from './restore-names';
import type { RestoreInput } from './restore-input';
import { stageProgress } from './restore-progress';
import { recoverSwaps, settleRestore, SwapRecoveryDeps } from './swap-recovery';

export interface RestoreDatabaseDeps {
  keys: KeyRing;
  /** Journal, executions and the server of the live database: the swap and its recovery. */
  swap: SwapRecoveryDeps;
  logger: Logger;
  /** Takes the pre-restore backup of the live database; gets a progress callback (0..1). */
  preRestoreBackup: (onFraction: (fraction: number) => void) => Promise<Backup>;
  /** Records facts as the restore goes, so an interrupted run still says what it did. */
  record: (facts: Record<string, unknown>) => Promise<void>;
}

export interface RestoreDatabaseRequest {
  from: RestoreInput;
  executionId: string;
  /** Restore into this database instead of replacing the live one. */
  targetDatabase?: string;
  /** Keep the replaced database as `<db>_pre_restore_<ts>` (default) or drop it. */
  keepPrevious: boolean;
  onProgress: ProgressReporter;
  /** Aborted when the database lock is lost: the swap then does not happen. */
  signal?: AbortSignal;
  now?: Date;
}

export interface RestoreDatabaseResult {
  database: string;
  previousDatabase: string | null;
  preRestoreBackupId: string | null;
  stats: TableStats;
}

/**
 * Restores a database backup without risk to the live database, in one order:
 * load into a new database while the checksum is checked (a mismatch kills psql
 * before it commits; the next copy is tried) → checks (tables, rows) →
 * pre-restore backup of the live database → swap (one transaction). Every step
 * is journaled before it runs; a run that fails undoes its own work, one that
 * dies is settled by the recovery (`recoverSwaps`).
 */
export async function restoreDatabase(deps: RestoreDatabaseDeps, request: RestoreDatabaseRequest): Promise<RestoreDatabaseResult> {
  const progress = stageProgress(request.onProgress);
  const now = request.now ?? new Date();
  const executor = deps.swap.executor;
  const admin = new DatabaseAdmin(executor, deps.logger);
  const live = executor.database;
  const target = request.targetDatabase ?? live;

  progress('validating');
  if (!request.targetDatabase && live === MAINTENANCE_DATABASE) {
    // The swap runs from the maintenance database, which cannot rename itself away.
    throw new AppError(
      ErrorCode.ValidationFailed,
      `The live database is "${MAINTENANCE_DATABASE}", which a restore cannot replace; restore into a new database (targetDatabase) instead`,
    );
  }
  // The caller holds the database lock: whatever a dead run left is settled first.
  await recoverSwaps(deps.swap);
  const existing = await admin.info(target);
  if (request.targetDatabase && existing) {
    throw new AppError(ErrorCode.RestoreTargetExists, `Database ${target} already exists; choose a new name or drop it first`);
  }

  const incoming = restoreDatabaseName(target, now);
  // Journaled before the database exists, so a crash right after CREATE still finds it (by name and this run's mark).
  const journal = await deps.swap.journal.open({
    executionId: request.executionId,
    resource: deps.swap.resource,
    liveName: target,
    liveOid: existing?.oid ?? null,
    restoredName: incoming,
    previousName: existing ? previousDatabaseName(live, now) : null,
    keepPrevious: request.keepPrevious,
  });
  try {
    progress('loading');
    await admin.createTemp(incoming, live, { purpose: 'restore', target, executionId: request.executionId, createdAt: now.toISOString() });
    const created = await admin.info(incoming);
    if (created) await deps.swap.journal.setRestoredOid(journal.id, created.oid);
    const read = await request.from.readInto(async (prepared) => {
      try {
        return await decodeBackup(prepared.input, await executor.applySink(incoming), {
          keys: deps.keys,
          encrypted: prepared.encrypted,
          expectedSha256: prepared.expectedSha256,
          output: 'plain',
          onProgress: (p) => progress('loading', p.percent / 100, p.bytes, p.totalBytes),
          signal: request.signal,
        });
      } catch (err) {
        // psql was killed before it committed; an empty database is what the next copy loads into.
        await admin.drop(incoming);
        await admin.createTemp(incoming, live, { purpose: 'restore', target, executionId: request.executionId, createdAt: now.toISOString() });
        const again = await admin.info(incoming);
        if (again) await deps.swap.journal.setRestoredOid(journal.id, again.oid);
        throw err;
      }
    });
    await deps.record(read.facts);

    progress('checking');
    const stats = await admin.tableStats(incoming);
    if (stats.tables === 0)
      throw new AppError(ErrorCode.RestoreFailed, `The restored database has no tables; ${request.from.label} does not look like a Kanbu database dump`);
    await deps.record({ tables: stats.tables, rows: stats.rows });
    await deps.swap.journal.step(journal.id, 'checked', { checksPassed: true });
    crashPoint('checked');

    let preRestoreBackupId: string | null = null;
    if (existing && !request.targetDatabase) {
      progress('pre-restore-backup');
      const pre = await deps.preRestoreBackup((f) => progress('pre-restore-backup', f));
      preRestoreBackupId = pre.id;
      await deps.record({ preRestoreBackupId });
    }

    request.signal?.throwIfAborted();
    progress('swapping');
    await deps.record({ swap: { live: target, incoming, previous: journal.previousName } });
    const previousDatabase = await swapIntoPlace(deps, await deps.swap.journal.findByExecution(request.executionId));
    crashPoint('swapped');
    await deps.swap.journal.finish(journal.id, 'completed');
    await deps.record({ database: target, previousDatabase });
    progress('completed', 1);
    deps.logger.info(`Restored ${request.from.label} into ${target}${previousDatabase ? `; the replaced database is kept as ${previousDatabase}` : ''}`);
    return { database: target, previousDatabase, preRestoreBackupId, stats };
  } catch (err) {
    const settled = await settleRestore(deps.swap, (await deps.swap.journal.findByExecution(request.executionId)) ?? journal, 'failed').catch((settleErr) => {
      deps.logger.error(`Could not undo the restore's own work (the recovery will): ${errorMessage(settleErr)}`);
      return null;
    });
    if (settled?.outcome === 'rolled_forward') {
      deps.logger.warn(`The restore failed after its swap had committed, which stands: ${errorMessage(err)}`);
      await deps.record({ database: target, previousDatabase: settled.previousDatabase, recovery: settled.summary });
      return { database: target, previousDatabase: settled.previousDatabase, preRestoreBackupId: null, stats: await admin.tableStats(target) };
    }
    throw err;
  }
}

/** The swap: live → previous and restored → live in one transaction, after the live database was closed. Returns the kept previous database. */
async function swapIntoPlace(deps: RestoreDatabaseDeps, journal: RestoreJournalEntry | null): Promise<string | null> {
  if (!journal) throw new AppError(ErrorCode.RestoreFailed, 'The restore journal entry disappeared');
  const session = await openSwapSession(deps.swap.executor, { executionId: journal.executionId, lockTimeoutMs: deps.swap.lockTimeoutMs });
  try {
    const plan = planRecovery(journal, await serverDatabases(session), 'swap');
    if (plan.outcome !== 'rolled_forward') throw new AppError(ErrorCode.RestoreFailed, `Cannot swap the restored database into place: ${plan.summary}`);
    await applyPlan(session, plan, (step) => deps.swap.journal.step(journal.id, step), deps.logger, crashPoint);
    return plan.previousDatabase;
  } catch (err) {
    throw new AppError(ErrorCode.RestoreFailed, `The swap did not complete: ${errorMessage(err)}`, { cause: err });
  } finally {
    await session.close();
  }
}
