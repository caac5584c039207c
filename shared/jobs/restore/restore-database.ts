import type { Backup } from '../../catalog/entities';
import { AppError, ErrorCode, errorMessage } from '../../errors';
import type { Logger } from '../../logging';
import type { ProgressReporter } from '../../domain/job-progress';
import type { KeyRing } from '../../engine/crypto/key-ring';
import { MAINTENANCE_DATABASE, PostgresExecutor } from '../../engine/postgres/postgres-executor';
import { decodeBackup } from '../../engine/decode-pipeline';
import { DatabaseAdmin, TableStats } from './database-admin';
import { previousDatabaseName, restoreDatabaseName } from './restore-names';
import type { RestoreInput } from './restore-input';
import { stageProgress } from './restore-progress';

export interface RestoreDatabaseDeps {
  keys: KeyRing;
  executor: PostgresExecutor;
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
 * Restores a database backup without risk to the live database:
 * validate → pre-restore backup → verify the whole file (decrypt + checksum)
 * → load into a new database → check → swap (or rename into `targetDatabase`).
 * Until the swap, the live database is never touched; a failed swap is rolled back.
 */
export async function restoreDatabase(deps: RestoreDatabaseDeps, request: RestoreDatabaseRequest): Promise<RestoreDatabaseResult> {
  const progress = stageProgress(request.onProgress);
  const now = request.now ?? new Date();
  const admin = new DatabaseAdmin(deps.executor, deps.logger);
  const live = deps.executor.database;
  const target = request.targetDatabase ?? live;

  progress('validating');
  if (!request.targetDatabase && live === MAINTENANCE_DATABASE) {
    // The swap runs from the maintenance database, which cannot rename itself away.
    throw new AppError(
      ErrorCode.ValidationFailed,
      `The live database is "${MAINTENANCE_DATABASE}", which a restore cannot replace; restore into a new database (targetDatabase) instead`,
    );
  }
  const recovered = await admin.recoverInterruptedSwap(live, `${live}_pre_restore_`);
  if (recovered) deps.logger.warn(`Recovered from an interrupted restore: ${recovered}`);
  await admin.dropAbandoned('restore', target);
  const targetExists = (await admin.info(target)) !== null;
  if (request.targetDatabase && targetExists) {
    throw new AppError(ErrorCode.RestoreTargetExists, `Database ${target} already exists; choose a new name or drop it first`);
  }

  let preRestoreBackupId: string | null = null;
  if (!request.targetDatabase && targetExists) {
    progress('pre-restore-backup');
    const pre = await deps.preRestoreBackup((f) => progress('pre-restore-backup', f));
    preRestoreBackupId = pre.id;
    await deps.record({ preRestoreBackupId });
  }

  progress('verifying');
  const source = await request.from.prepare((fraction, bytes, total) => progress('verifying', fraction, bytes, total));
  await deps.record(source.facts);

  const incoming = restoreDatabaseName(target, now);
  progress('loading');
  try {
    await admin.createTemp(incoming, live, { purpose: 'restore', target, executionId: request.executionId, createdAt: now.toISOString() });
    // Decoding checks the checksum again, so a copy that changed since it was verified cannot commit.
    await decodeBackup(source.input, await deps.executor.applySink(incoming), {
      keys: deps.keys,
      encrypted: source.encrypted,
      expectedSha256: source.expectedSha256,
      output: 'plain',
      onProgress: (p) => progress('loading', p.percent / 100, p.bytes, p.totalBytes),
      signal: request.signal,
    });

    progress('checking');
    const stats = await admin.tableStats(incoming);
    if (stats.tables === 0)
      throw new AppError(ErrorCode.RestoreFailed, `The restored database has no tables; ${request.from.label} does not look like a Kanbu database dump`);
    await deps.record({ tables: stats.tables, rows: stats.rows });

    request.signal?.throwIfAborted();
    progress('swapping');
    // The mark stays through the swap (a run killed half-way leaves a database the next run drops);
    // dropAbandoned never drops one that carries the target's own name.
    let previousDatabase: string | null = null;
    if (targetExists) {
      previousDatabase = previousDatabaseName(live, now);
      await deps.record({ swap: { live, incoming, previous: previousDatabase } });
      await admin.swap(live, incoming, previousDatabase);
      if (!request.keepPrevious) {
        try {
          await admin.drop(previousDatabase);
          previousDatabase = null;
        } catch (err) {
          deps.logger.warn(`Restore succeeded, but the replaced database ${previousDatabase} could not be dropped: ${errorMessage(err)}`);
        }
      }
    } else {
      await admin.rename(incoming, target);
    }
    await admin.unmark(target).catch((err) => deps.logger.warn(`Could not remove the temporary mark of ${target}: ${errorMessage(err)}`));
    await deps.record({ database: target, previousDatabase });
    progress('completed', 1);
    deps.logger.info(`Restored ${request.from.label} into ${target}${previousDatabase ? `; the replaced database is kept as ${previousDatabase}` : ''}`);
    return { database: target, previousDatabase, preRestoreBackupId, stats };
  } catch (err) {
    if ((await admin.info(incoming)) !== null) {
      await admin.drop(incoming).catch((dropErr) => deps.logger.error(`Could not drop ${incoming}: ${errorMessage(dropErr)}`));
    }
    throw err;
  }
}
