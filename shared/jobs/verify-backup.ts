import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BackupRepository } from '../catalog/repositories';
import { AppError, ErrorCode, errorMessage, isAppError } from '../errors';
import type { Logger } from '../logging';
import type { ProgressReporter } from '../queue/job-progress';
import type { VerifyMode } from '../queue/job-payloads';
import type { KeyRing } from '../engine/crypto/key-ring';
import type { PostgresExecutor } from '../engine/postgres/postgres-executor';
import type { BackupReader } from './backup-reader';
import { decodeBackup } from './restore/backup-decoder';
import { DatabaseAdmin, TableStats } from './restore/database-admin';
import { verifyDatabaseName } from './restore/restore-names';
import { loadRestorableBackup } from './restore/restore-database';

export interface VerifyDeps {
  backups: BackupRepository;
  reader: BackupReader;
  keys: KeyRing;
  /** Server for restore tests; only needed for mode `restore-test`. */
  executor?: () => PostgresExecutor;
  logger: Logger;
}

export interface VerifyRequest {
  backupId: string;
  executionId: string;
  mode: VerifyMode;
  onProgress: ProgressReporter;
}

export interface VerifyResult {
  status: 'verified' | 'no_checksum';
  readFrom: string;
  restoreTest?: TableStats & { database: string };
}

/** Errors that say the backup itself is bad (as opposed to storage or a server being away). */
const VERDICT_CODES = new Set([
  ErrorCode.ChecksumMismatch, ErrorCode.CorruptBackup, ErrorCode.WrongEncryptionKey, ErrorCode.EncryptionKeyMissing,
  ErrorCode.BackupFileNotFound, ErrorCode.RestoreFailed,
]);

function isVerdict(err: unknown): boolean {
  return isAppError(err) ? VERDICT_CODES.has(err.code) : /incorrect header check|unexpected end of file|invalid/i.test(errorMessage(err));
}

/**
 * Proves a backup restores: reads the stored copy, decrypts it, recomputes the
 * SHA-256 of the compressed bytes against the catalog and decompresses to the
 * end; a restore test also loads it into a temporary database, records table
 * and row counts, and drops it. The verdict is recorded on the backup; a bad
 * backup fails the job (so `verify.failed` is raised) without retries.
 */
export async function verifyBackup(deps: VerifyDeps, request: VerifyRequest): Promise<VerifyResult> {
  const backup = await loadRestorableBackup(deps.backups, deps.keys, request.backupId, undefined);
  try {
    const opened = await deps.reader.open(backup);
    const total = opened.sizeBytes;
    const share = request.mode === 'restore-test' ? 0.4 : 1;
    const report = (b: number) => request.onProgress({ stage: 'verifying', percent: Math.floor((b / total) * 100 * share), bytes: b, totalBytes: total });
    await pipeline(
      decodeBackup(opened.stream, backup, { keys: deps.keys, decompress: true, onStoredBytes: report }),
      new Writable({ write: (_chunk, _enc, done) => done() }),
    );
    const result: VerifyResult = { status: backup.checksum ? 'verified' : 'no_checksum', readFrom: opened.target };
    if (request.mode === 'restore-test') {
      if (backup.type !== 'database') throw AppError.badRequest(ErrorCode.ValidationFailed, 'Restore tests are for database backups');
      result.restoreTest = await restoreTest(deps, backup, request);
    }
    await deps.backups.recordVerification(backup.id, { status: result.status, details: { mode: request.mode, readFrom: result.readFrom, ...(result.restoreTest ?? {}) } });
    request.onProgress({ stage: 'completed', percent: 100 });
    deps.logger.info(`Backup ${backup.filename} verified (${request.mode}) from ${result.readFrom}`);
    return result;
  } catch (err) {
    if (!isVerdict(err)) throw err;
    await deps.backups.recordVerification(backup.id, { status: 'failed', error: errorMessage(err), details: { mode: request.mode } });
    deps.logger.error(`Backup ${backup.filename} failed verification: ${errorMessage(err)}`);
    throw new AppError(ErrorCode.VerificationFailed, `Verification of ${backup.filename} failed: ${errorMessage(err)}`);
  }
}

async function restoreTest(deps: VerifyDeps, backup: Parameters<typeof decodeBackup>[1] & { id: string; filename: string }, request: VerifyRequest) {
  if (!deps.executor) throw new Error('No database server configured for restore tests');
  const executor = deps.executor();
  const admin = new DatabaseAdmin(executor, deps.logger);
  const now = new Date();
  // Leftovers of killed restore tests (older than a day, so running ones are safe).
  await admin.dropAbandoned('verify', executor.database, new Date(now.getTime() - 24 * 3600 * 1000));
  const database = verifyDatabaseName(executor.database, now);
  await admin.createTemp(database, executor.database, { purpose: 'verify', target: executor.database, executionId: request.executionId, createdAt: now.toISOString() });
  try {
    const opened = await deps.reader.open(backup);
    const report = (b: number) => request.onProgress({ stage: 'restore-test', percent: 40 + Math.floor((b / opened.sizeBytes) * 55), bytes: b, totalBytes: opened.sizeBytes });
    await executor.apply(database, decodeBackup(opened.stream, backup, { keys: deps.keys, decompress: true, onStoredBytes: report }));
    const stats = await admin.tableStats(database);
    if (stats.tables === 0) throw new AppError(ErrorCode.RestoreFailed, 'The restore test loaded no tables');
    return { database, ...stats };
  } finally {
    await admin.drop(database).catch((err) => deps.logger.error(`Could not drop the restore-test database ${database}: ${errorMessage(err)}`));
  }
}
