import type { Backup, BackupCopy } from '../catalog/entities';
import type { BackupCopyRepository, BackupRepository } from '../catalog/repositories';
import { isUniqueViolation } from '../catalog/unique-violation';
import type { BackupPurpose, BackupType, Compression, Trigger } from '../domain/types';
import { errorMessage } from '../errors';
import type { Logger } from '../logging';
import type { ProgressReporter } from '../domain/job-progress';
import { backupFileName } from '../engine/backup-naming';
import { runCreatePipeline } from '../engine/backup-pipeline';
import { createEncryptStream } from '../engine/crypto/encrypt-stream';
import type { KeyRing } from '../engine/crypto/key-ring';
import type { SourceFactory } from '../engine/sources/source-factory';
import { CopyOutcome, openReplicatedWriter, ReplicatedWriter } from '../engine/storage/replicated-writer';
import type { StorageBackend } from '../engine/storage/storage-backend';
import { createCompressor } from '../engine/transforms/compression';

export interface CreateBackupDeps {
  backups: BackupRepository;
  copies: BackupCopyRepository;
  /** The primary target. */
  storage: StorageBackend;
  /** Further targets written in the same pass (BACKUP_REPLICAS). */
  replicas?: readonly StorageBackend[];
  /** BACKUP_REQUIRE_ALL_COPIES: any failed copy fails the backup. */
  requireAllCopies?: boolean;
  sources: SourceFactory;
  keys: KeyRing;
  compression: Compression;
  compressionLevel: number;
  /** Parallel gzip blocks or zstd threads; 0 or absent = one per core. */
  compressionThreads?: number;
  logger: Logger;
}

export interface CreateBackupRequest {
  type: BackupType;
  trigger: Trigger;
  executionId?: string;
  scheduleId?: string | null;
  purpose?: BackupPurpose;
  protectedUntil?: Date | null;
  onProgress?: ProgressReporter;
  /** Called once the catalog row exists, before any bytes move. */
  onReserved?: (backup: Backup) => Promise<void>;
  /** Aborts the backup, e.g. when the lock it runs under is lost. */
  signal?: AbortSignal;
}

const MAX_NAME_ATTEMPTS = 20;

async function reserveBackupRow(deps: CreateBackupDeps, request: CreateBackupRequest, at: Date): Promise<Backup> {
  const encryptionKey = deps.keys.current;
  for (let sequence = 0; sequence < MAX_NAME_ATTEMPTS; sequence++) {
    const filename = backupFileName({ type: request.type, at, compression: deps.compression, encrypted: !!encryptionKey, sequence });
    try {
      return await deps.backups.createRunning({
        type: request.type,
        filename,
        compression: deps.compression,
        encrypted: !!encryptionKey,
        encryptionKeyId: encryptionKey?.id ?? null,
        encryptionFormat: encryptionKey ? 'v2' : null,
        storage: deps.storage.name,
        trigger: request.trigger,
        scheduleId: request.scheduleId ?? null,
        executionId: request.executionId ?? null,
        purpose: request.purpose ?? 'regular',
        protectedUntil: request.protectedUntil ?? null,
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }
  throw new Error(`Could not find a free backup file name for ${request.type} at ${at.toISOString()}`);
}

/** Copy rows get their own outcome: their own error, or why the backup as a whole did not keep them. */
async function recordCopies(deps: CreateBackupDeps, rows: BackupCopy[], outcomes: CopyOutcome[], backupError?: string): Promise<void> {
  await Promise.all(
    rows.map((row) => {
      const outcome = outcomes.find((o) => o.target === row.target);
      if (outcome?.state === 'committed') return deps.copies.markCompleted(row.id, outcome.sizeBytes!);
      // Still stored: `delete_failed`, so retention and DELETE remove it later instead of forgetting it.
      if (outcome?.state === 'stranded') return deps.copies.markDeleteFailed(row.id, outcome.error ?? 'could not be removed');
      if (outcome?.error) return deps.copies.markFailed(row.id, outcome.error);
      return deps.copies.markFailed(row.id, row.isPrimary ? (backupError ?? 'not written') : `Not kept: the backup failed (${backupError})`);
    }),
  );
}

function copyWarnings(outcomes: CopyOutcome[]): string | null {
  const failed = outcomes.filter((o) => o.state !== 'committed');
  return failed.length ? failed.map((o) => `Copy to ${o.target} failed: ${o.error ?? o.state}`).join('; ') : null;
}

/**
 * Takes one backup: reserves its catalog row, streams source → compress → SHA-256 →
 * AES-256-GCM → every storage target at once (primary and replicas, one pass),
 * then records the facts: `completed`, or `completed_with_warnings` when a
 * replica failed. On failure of the primary (or of any copy with
 * requireAllCopies) no copy is kept, the row says `failed` with the reason, and
 * the error is rethrown.
 */
export async function createBackup(deps: CreateBackupDeps, request: CreateBackupRequest): Promise<Backup> {
  const startedAt = new Date();
  const progress = request.onProgress ?? (() => undefined);
  const backup = await reserveBackupRow(deps, request, startedAt);
  await request.onReserved?.(backup);
  const targets = [deps.storage, ...(deps.replicas ?? [])];
  const rows: BackupCopy[] = [];
  // One after the other, so the rows' order is the configured order (primary first).
  for (const [i, target] of targets.entries()) {
    rows.push(await deps.copies.startWriting({ backupId: backup.id, target: target.name, location: backup.filename, isPrimary: i === 0 }));
  }
  deps.logger.info(`Starting ${request.type} backup ${backup.filename} → ${targets.map((t) => t.location).join(', ')}`);
  progress({ stage: 'starting', percent: 0 });
  let writer: ReplicatedWriter | undefined;
  try {
    // The key derivation (on the thread pool) overlaps asking the server and starting pg_dump: a fixed cost of every backup.
    const encrypting = deps.keys.current ? createEncryptStream(deps.keys.current) : Promise.resolve(undefined);
    encrypting.catch(() => undefined); // awaited below, after the source; must not go unhandled if the source fails
    const source = await deps.sources(request.type).open();
    deps.logger.info(`Source of ${backup.filename}: ${JSON.stringify(source.facts)}`);
    const encryptor = await encrypting.catch((err: unknown) => {
      source.stream.destroy();
      throw err;
    });
    writer = await openReplicatedWriter(targets, backup.filename, {
      requireAll: deps.requireAllCopies ?? false,
      onCopyFailed: (target, err) => deps.logger.warn(`Copy of ${backup.filename} to ${target} failed: ${errorMessage(err)}`),
      onCommitting: () => progress({ stage: 'storing', percent: 96 }),
    }).catch((err) => {
      source.stream.destroy();
      throw err;
    });
    const result = await runCreatePipeline({
      source: source.stream,
      compressor: createCompressor(deps.compression, deps.compressionLevel, { threads: deps.compressionThreads }),
      encryptor,
      writer,
      signal: request.signal,
      onSourceBytes: (bytes) => {
        const percent = source.estimatedBytes ? Math.min(95, Math.floor((bytes / source.estimatedBytes) * 95)) : 50;
        progress({ stage: 'dumping', percent, bytes, totalBytes: source.estimatedBytes });
      },
    });
    const durationMs = Date.now() - startedAt.getTime();
    const outcomes = writer.outcomes();
    await recordCopies(deps, rows, outcomes);
    const warnings = copyWarnings(outcomes);
    await deps.backups.markCompleted(backup.id, {
      status: warnings ? 'completed_with_warnings' : 'completed',
      sizeBytes: result.storedBytes,
      sourceBytes: result.sourceBytes,
      checksum: result.sha256,
      durationMs,
      error: warnings,
    });
    progress({ stage: 'completed', percent: 100, bytes: result.sourceBytes });
    const stored = outcomes
      .filter((o) => o.state === 'committed')
      .map((o) => o.target)
      .join(', ');
    deps.logger.info(`Backup ${backup.filename} completed: ${result.storedBytes} bytes in ${durationMs} ms on ${stored}, sha256 ${result.sha256}`);
    if (warnings) deps.logger.warn(`Backup ${backup.filename} completed with warnings: ${warnings}`);
    return (await deps.backups.findById(backup.id))!;
  } catch (err) {
    const reason = errorMessage(err);
    await recordCopies(deps, rows, writer?.outcomes() ?? [], reason);
    await deps.backups.markFailed(backup.id, reason, Date.now() - startedAt.getTime());
    deps.logger.error(`Backup ${backup.filename} failed: ${reason}`);
    throw err;
  }
}
