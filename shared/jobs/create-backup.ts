import { QueryFailedError } from 'typeorm';
import type { Backup } from '../catalog/entities';
import type { BackupCopyRepository, BackupRepository } from '../catalog/repositories';
import type { BackupPurpose, BackupType, Compression, Trigger } from '../domain/types';
import { errorMessage } from '../errors';
import type { Logger } from '../logging';
import type { ProgressReporter } from '../queue/job-progress';
import { backupFileName } from '../engine/backup-naming';
import { runCreatePipeline } from '../engine/backup-pipeline';
import { createEncryptStream } from '../engine/crypto/encrypt-stream';
import type { KeyRing } from '../engine/crypto/key-ring';
import type { SourceFactory } from '../engine/sources/source-factory';
import type { StorageBackend } from '../engine/storage/storage-backend';
import { createCompressor } from '../engine/transforms/compression';

export interface CreateBackupDeps {
  backups: BackupRepository;
  copies: BackupCopyRepository;
  storage: StorageBackend;
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
}

const MAX_NAME_ATTEMPTS = 20;

function isUniqueViolation(err: unknown): boolean {
  return err instanceof QueryFailedError && (err.driverError as { code?: string } | undefined)?.code === '23505';
}

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

/**
 * Takes one backup: reserves its catalog row, streams source → compress → SHA-256 →
 * AES-256-GCM → storage, then records the facts. On any failure the partial
 * write is removed, the row says `failed` with the reason, and the error is rethrown.
 */
export async function createBackup(deps: CreateBackupDeps, request: CreateBackupRequest): Promise<Backup> {
  const startedAt = new Date();
  const progress = request.onProgress ?? (() => undefined);
  const backup = await reserveBackupRow(deps, request, startedAt);
  await request.onReserved?.(backup);
  const copy = await deps.copies.startWriting({ backupId: backup.id, target: deps.storage.name, location: backup.filename, isPrimary: true });
  deps.logger.info(`Starting ${request.type} backup ${backup.filename} → ${deps.storage.location}`);
  progress({ stage: 'starting', percent: 0 });
  try {
    const encryptor = deps.keys.current ? await createEncryptStream(deps.keys.current) : undefined;
    const source = await deps.sources(request.type).open();
    deps.logger.info(`Source of ${backup.filename}: ${JSON.stringify(source.facts)}`);
    const writer = await deps.storage.createWriter(backup.filename).catch((err) => {
      source.stream.destroy();
      throw err;
    });
    const result = await runCreatePipeline({
      source: source.stream,
      compressor: createCompressor(deps.compression, deps.compressionLevel, { threads: deps.compressionThreads }),
      encryptor,
      writer,
      onSourceBytes: (bytes) => {
        const percent = source.estimatedBytes ? Math.min(95, Math.floor((bytes / source.estimatedBytes) * 95)) : 50;
        progress({ stage: 'dumping', percent, bytes, totalBytes: source.estimatedBytes });
      },
    });
    const durationMs = Date.now() - startedAt.getTime();
    await deps.copies.markCompleted(copy.id, result.storedBytes);
    await deps.backups.markCompleted(backup.id, {
      status: 'completed',
      sizeBytes: result.storedBytes,
      sourceBytes: result.sourceBytes,
      checksum: result.sha256,
      durationMs,
    });
    progress({ stage: 'completed', percent: 100, bytes: result.sourceBytes });
    deps.logger.info(`Backup ${backup.filename} completed: ${result.storedBytes} bytes in ${durationMs} ms, sha256 ${result.sha256}`);
    return (await deps.backups.findById(backup.id))!;
  } catch (err) {
    const reason = errorMessage(err);
    await deps.copies.markFailed(copy.id, reason);
    await deps.backups.markFailed(backup.id, reason, Date.now() - startedAt.getTime());
    deps.logger.error(`Backup ${backup.filename} failed: ${reason}`);
    throw err;
  }
}
