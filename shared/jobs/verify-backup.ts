import type { Backup } from '../catalog/entities';
import type { BackupCopyRepository, BackupRepository } from '../catalog/repositories';
import { AppError, ErrorCode, errorMessage, isAppError } from '../errors';
import { isCorruptionError } from '../engine/corruption';
import { decodeBackup, decodeToEnd, storedObjectInput } from '../engine/decode-pipeline';
import type { Logger } from '../logging';
import type { ProgressReporter } from '../domain/job-progress';
import type { VerifyMode } from '../queue/job-payloads';
import type { KeyRing } from '../engine/crypto/key-ring';
import type { PostgresExecutor } from '../engine/postgres/postgres-executor';
import type { StorageTargets } from '../engine/storage/storage-targets';
import { copiesOf, CopyRef } from './backup-copies';
import { DatabaseAdmin, TableStats } from './restore/database-admin';
import { verifyDatabaseName } from './restore/restore-names';
import { loadRestorableBackup } from './restore/restore-input';

export interface VerifyDeps {
  backups: BackupRepository;
  copies: BackupCopyRepository;
  targets: StorageTargets;
  keys: KeyRing;
  /** Server for restore tests; only needed for mode `restore-test`. */
  executor?: () => Promise<PostgresExecutor>;
  logger: Logger;
}

export interface VerifyRequest {
  backupId: string;
  executionId: string;
  mode: VerifyMode;
  onProgress: ProgressReporter;
}

export interface CopyVerdict {
  target: string;
  ok: boolean;
  error?: string;
}

export interface VerifyResult {
  status: 'verified' | 'no_checksum';
  copies: CopyVerdict[];
  restoreTest?: TableStats & { database: string; target: string };
}

const KEY_PROBLEMS = new Set([ErrorCode.WrongEncryptionKey, ErrorCode.EncryptionKeyMissing]);

/** Bad or missing stored bytes: a verdict on the backup, not a reason to retry. */
function isBadBytes(err: unknown): boolean {
  return isCorruptionError(err) || (isAppError(err) && err.code === ErrorCode.BackupFileNotFound);
}

/** Reads one copy to the end: decrypt, SHA-256 against the catalog, decompress. */
/** Reads one copy to the end; returns the SHA-256 of its compressed bytes. */
async function checkCopy(deps: VerifyDeps, backup: Backup, copy: CopyRef, onBytes: (bytes: number) => void): Promise<string> {
  const storage = deps.targets.get(copy.target);
  if (!storage) throw new AppError(ErrorCode.StorageUnavailable, `storage target ${copy.target} is not configured`, { retryable: true });
  const stored = await storage.stat(copy.location);
  if (!stored) throw new AppError(ErrorCode.BackupFileNotFound, `Backup file not found: ${copy.location} is not in ${storage.location}`);
  if (copy.sizeBytes !== null && stored.sizeBytes !== copy.sizeBytes) {
    throw new AppError(ErrorCode.CorruptBackup, `it has ${stored.sizeBytes} bytes, the catalog says ${copy.sizeBytes}`);
  }
  const decoded = await decodeToEnd(storedObjectInput(storage, copy.location, stored.sizeBytes), {
    keys: deps.keys,
    encrypted: backup.encrypted,
    expectedSha256: backup.checksum,
    onProgress: (p) => onBytes(p.bytes ?? 0),
  });
  return decoded.sha256;
}

/**
 * Proves a backup restores. Every stored copy (primary and replicas) is read to
 * the end — decrypted, its SHA-256 compared with the catalog, decompressed —
 * and its check recorded; a restore test also loads a good copy into a
 * temporary database, records table and row counts, and drops it. The backup
 * is `verified` only when every copy is good; otherwise it is `failed` with the
 * reason of each bad copy, and the job fails without retries (so `verify.failed`
 * is raised). A storage target that cannot be reached is retried instead. A
 * wrong or missing key "could not verify": the job fails, the backup's
 * verification state is left as it was.
 */
export async function verifyBackup(deps: VerifyDeps, request: VerifyRequest): Promise<VerifyResult> {
  const backup = await loadRestorableBackup(deps.backups, deps.keys, request.backupId, undefined);
  if (request.mode === 'restore-test' && backup.type !== 'database') throw new AppError(ErrorCode.ValidationFailed, 'Restore tests are for database backups');
  const copies = copiesOf(backup, await deps.copies.forBackup(backup.id)).filter(
    (c) => c.status !== 'deleted' && c.status !== 'failed' && c.status !== 'writing',
  );
  if (copies.length === 0) return fail(deps, backup, request, 'no stored copy is left to verify', []);
  const verdicts: CopyVerdict[] = [];
  const checksums = new Set<string>();
  const share = (request.mode === 'restore-test' ? 60 : 100) / Math.max(1, copies.length);
  for (const [index, copy] of copies.entries()) {
    const total = copy.sizeBytes ?? backup.sizeBytes ?? 1;
    const report = (b: number) =>
      request.onProgress({ stage: `verifying ${copy.target}`, percent: Math.floor(index * share + (b / total) * share), bytes: b, totalBytes: total });
    try {
      checksums.add(await checkCopy(deps, backup, copy, report));
      verdicts.push({ target: copy.target, ok: true });
      if (copy.id) await deps.copies.recordCheck(copy.id, 'completed', null);
    } catch (err) {
      if (isAppError(err) && KEY_PROBLEMS.has(err.code)) throw couldNotVerify(backup, err);
      if (!isBadBytes(err)) throw err;
      verdicts.push({ target: copy.target, ok: false, error: errorMessage(err) });
      if (copy.id)
        await deps.copies.recordCheck(copy.id, isAppError(err) && err.code === ErrorCode.BackupFileNotFound ? 'missing' : 'corrupt', errorMessage(err));
    }
  }
  const bad = verdicts.filter((v) => !v.ok);
  if (bad.length > 0) return fail(deps, backup, request, bad.map((v) => `${v.target}: ${v.error}`).join('; '), verdicts);

  // A backup without a checksum (adopted by import) gets the one its copies agree on: later reads check against it.
  const learned = !backup.checksum && checksums.size === 1 ? [...checksums][0] : null;
  if (learned) {
    await deps.backups.recordChecksum(backup.id, learned);
    deps.logger.info(`Backup ${backup.filename}: recorded its checksum ${learned}, which it had none of`);
  }
  const result: VerifyResult = { status: backup.checksum || learned ? 'verified' : 'no_checksum', copies: verdicts };
  if (request.mode === 'restore-test') {
    const test = await restoreTest(deps, backup, copies[0], request);
    if (!test.ok) return fail(deps, backup, request, `restore test: ${test.reason}`, verdicts);
    result.restoreTest = test.result;
  }
  await deps.backups.recordVerification(backup.id, { status: result.status, details: { mode: request.mode, copies: verdicts, ...(result.restoreTest ?? {}) } });
  request.onProgress({ stage: 'completed', percent: 100 });
  deps.logger.info(`Backup ${backup.filename} verified (${request.mode}): ${verdicts.map((v) => v.target).join(', ')}`);
  return result;
}

/** A wrong or missing key is this installation's configuration, not the backup: no verdict is recorded. */
function couldNotVerify(backup: Backup, err: AppError): AppError {
  return new AppError(
    err.code,
    `Could not verify ${backup.filename}: ${err.message}. Its verification state is unchanged; fix the key configuration and verify again`,
    {
      cause: err,
    },
  );
}

async function fail(deps: VerifyDeps, backup: Backup, request: VerifyRequest, reason: string, copies: CopyVerdict[]): Promise<never> {
  await deps.backups.recordVerification(backup.id, { status: 'failed', error: reason, details: { mode: request.mode, copies } });
  deps.logger.error(`Backup ${backup.filename} failed verification: ${reason}`);
  throw new AppError(ErrorCode.VerificationFailed, `Verification of ${backup.filename} failed: ${reason}`);
}

/** A verdict on the backup; anything thrown is about the test's server (down, busy, full) and is retried. */
type RestoreTestOutcome = { ok: true; result: NonNullable<VerifyResult['restoreTest']> } | { ok: false; reason: string };

async function restoreTest(deps: VerifyDeps, backup: Backup, copy: CopyRef, request: VerifyRequest): Promise<RestoreTestOutcome> {
  if (!deps.executor) throw new Error('No database server configured for restore tests');
  const executor = await deps.executor();
  const storage = deps.targets.get(copy.target)!;
  const admin = new DatabaseAdmin(executor, deps.logger);
  const now = new Date();
  // Leftovers of killed restore tests (older than a day, so running ones are safe).
  await admin.dropAbandoned('verify', executor.database, new Date(now.getTime() - 24 * 3600 * 1000));
  const database = verifyDatabaseName(executor.database, now, request.executionId);
  await admin.createTemp(database, executor.database, {
    purpose: 'verify',
    target: executor.database,
    executionId: request.executionId,
    createdAt: now.toISOString(),
  });
  try {
    const total = copy.sizeBytes ?? backup.sizeBytes ?? 1;
    const report = (b: number) => request.onProgress({ stage: 'restore-test', percent: 60 + Math.floor((b / total) * 35), bytes: b, totalBytes: total });
    try {
      await decodeBackup(storedObjectInput(storage, copy.location, copy.sizeBytes ?? undefined), await executor.applySink(database), {
        keys: deps.keys,
        encrypted: backup.encrypted,
        expectedSha256: backup.checksum,
        output: 'plain',
        onProgress: (p) => report(p.bytes ?? 0),
      });
    } catch (err) {
      // The dump did not load, or its bytes are bad: that is the backup. A server that went away is not.
      if (isAppError(err) && err.retryable) throw err;
      if (isBadBytes(err) || (isAppError(err) && err.code === ErrorCode.RestoreFailed)) return { ok: false, reason: errorMessage(err) };
      throw err;
    }
    const stats = await admin.tableStats(database);
    if (stats.tables === 0) return { ok: false, reason: 'the restore test loaded no tables' };
    return { ok: true, result: { database, target: copy.target, ...stats } };
  } finally {
    await admin.drop(database).catch((err) => deps.logger.error(`Could not drop the restore-test database ${database}: ${errorMessage(err)}`));
  }
}
