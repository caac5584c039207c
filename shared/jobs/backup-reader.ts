import type { Readable } from 'node:stream';
import type { Backup, BackupCopy } from '../catalog/entities';
import type { CopyCheckStatus } from '../catalog/repositories';
import type { CopyStatus } from '../domain/types';
import { AppError, ErrorCode, errorMessage, isAppError } from '../errors';
import { createLogger } from '../logging';
import type { KeyRing } from '../engine/crypto/key-ring';
import type { StorageTargets } from '../engine/storage/storage-targets';
import { isCorruptionError } from '../engine/corruption';
import { decodeToEnd, StoredInput, storedObjectInput } from '../engine/decode-pipeline';
import { BackupWithCopies, copiesOf, CopyRef } from './backup-copies';

const logger = createLogger('Storage');

export type ReadableBackup = BackupWithCopies & Pick<Backup, 'checksum' | 'encrypted'>;

export interface OpenOptions {
  /**
   * Re-compute each copy's SHA-256 (decrypting if needed) before handing out its
   * bytes, and skip a copy that fails. Costs one extra full read; restore and
   * verify want it, so that nothing unchecked reaches them.
   */
  verify?: boolean;
  /** Stored bytes read so far by the verification, out of the copy's size. */
  onVerifyProgress?: (bytes: number, totalBytes: number) => void;
}

export interface SkippedCopy {
  target: string;
  reason: 'missing' | 'corrupt' | 'unreachable' | 'not_configured';
  error: string;
}

/** A copy chosen for reading, not opened yet: `input` can be opened (and re-opened) for the decode path. */
export interface ChosenCopy {
  input: StoredInput;
  /** The storage target the bytes come from. */
  target: string;
  /** False when a replica is used because the primary copy was not usable. */
  primary: boolean;
  sizeBytes: number;
  /** True when this copy's checksum was re-computed and matched. */
  verified: boolean;
  /** Copies tried before this one, and why they were not used. */
  skipped: SkippedCopy[];
}

export interface OpenedBackup {
  stream: Readable;
  /** The storage target the bytes come from. */
  target: string;
  /** False when a replica is used because the primary copy was not usable. */
  primary: boolean;
  sizeBytes: number;
  /** True when this copy's checksum was re-computed and matched before the stream was opened. */
  verified: boolean;
  /** Copies tried before this one, and why they were not used. */
  skipped: SkippedCopy[];
}

/** Where the reader records what it found (the catalog's backup_copy rows). */
export interface CopyCheckRecorder {
  forBackup(backupId: string): Promise<BackupCopy[]>;
  recordCheck(id: string, status: CopyCheckStatus, error: string | null): Promise<void>;
}

const READ_ORDER: Partial<Record<CopyStatus, number>> = { completed: 0, delete_failed: 1, missing: 2, corrupt: 3 };
const KEY_ERRORS: readonly string[] = [ErrorCode.EncryptionKeyMissing, ErrorCode.WrongEncryptionKey];

/** Copies worth trying, best first: completed ones (primary first), then those a read found gone, then corrupt ones when verifying. */
function readOrder(copies: CopyRef[], verify: boolean): CopyRef[] {
  return copies
    .filter((c) => READ_ORDER[c.status] !== undefined && (verify || c.status !== 'corrupt'))
    .sort((a, b) => READ_ORDER[a.status]! - READ_ORDER[b.status]! || Number(b.isPrimary) - Number(a.isPrimary));
}

function noUsableCopy(filename: string, skipped: SkippedCopy[]): AppError {
  const summary = skipped.map((s) => `${s.target}: ${s.reason} (${s.error})`).join('; ') || 'no stored copy is recorded';
  const details = { copies: skipped };
  if (skipped.some((s) => s.reason === 'unreachable')) {
    return new AppError(ErrorCode.StorageUnavailable, `No copy of ${filename} can be read right now: ${summary}`, { retryable: true, details });
  }
  if (skipped.some((s) => s.reason === 'corrupt')) {
    return new AppError(ErrorCode.ChecksumMismatch, `Checksum mismatch: every copy of ${filename} fails its checksum: ${summary}`, { details });
  }
  return new AppError(ErrorCode.BackupFileNotFound, `Backup file not found: no copy of ${filename} is left (${summary})`, { details });
}

/**
 * Opens the stored bytes of a backup for download, verification and restore.
 * Tries the primary copy first and falls back to a replica when a copy is
 * missing, has the wrong size or (with `verify`) fails its checksum; the result
 * says which copy was used and why others were skipped, and the catalog records
 * what was found.
 */
export class BackupReader {
  constructor(
    private readonly targets: StorageTargets,
    private readonly options: { keys: KeyRing; copies?: CopyCheckRecorder },
  ) {}

  async open(backup: ReadableBackup, options: OpenOptions = {}): Promise<OpenedBackup> {
    const chosen = await this.choose(backup, options);
    try {
      const { input, ...rest } = chosen;
      return { ...rest, stream: await input.open() };
    } catch (err) {
      throw noUsableCopy(backup.filename, [...chosen.skipped, { target: chosen.target, reason: 'unreachable', error: errorMessage(err) }]);
    }
  }

  /** The first usable copy (verified when asked), without opening it: restore decodes it with the one decode path. */
  async choose(backup: ReadableBackup, options: OpenOptions = {}): Promise<ChosenCopy> {
    const verify = options.verify ?? false;
    const rows = backup.copies ?? (await this.options.copies?.forBackup(backup.id)) ?? [];
    const skipped: SkippedCopy[] = [];
    for (const copy of readOrder(copiesOf(backup, rows), verify)) {
      const result = await this.tryCopy(backup, copy, verify, options.onVerifyProgress);
      if ('input' in result) {
        if (skipped.length > 0) logger.warn(`Reading ${backup.filename} from ${copy.target}: ${skipped.map((s) => `${s.target} ${s.reason}`).join(', ')}`);
        return { ...result, skipped };
      }
      skipped.push(result);
      if (result.reason === 'missing' || result.reason === 'corrupt') await this.record(copy, result.reason, result.error);
    }
    throw noUsableCopy(backup.filename, skipped);
  }

  /**
   * Reads a backup in ONE pass: `consume` gets copy after copy (primary first),
   * each checked while it is consumed, until one gets through with a matching
   * checksum. A copy that proves corrupt is recorded and the next one tried;
   * `consume` must undo its own partial work when it fails (e.g. drop the
   * database it was loading). Any other failure ends the read.
   */
  async readWith<T>(backup: ReadableBackup, consume: (chosen: ChosenCopy) => Promise<T>): Promise<{ result: T; chosen: ChosenCopy }> {
    const rows = backup.copies ?? (await this.options.copies?.forBackup(backup.id)) ?? [];
    const skipped: SkippedCopy[] = [];
    for (const copy of readOrder(copiesOf(backup, rows), true)) {
      const found = await this.tryCopy(backup, copy, false);
      if (!('input' in found)) {
        skipped.push(found);
        if (found.reason === 'missing' || found.reason === 'corrupt') await this.record(copy, found.reason, found.error);
        continue;
      }
      const chosen: ChosenCopy = { ...found, verified: backup.checksum !== null, skipped: [...skipped] };
      try {
        const result = await consume(chosen);
        if (backup.checksum !== null) await this.record(copy, 'completed', null);
        if (skipped.length > 0) logger.warn(`Read ${backup.filename} from ${copy.target}: ${skipped.map((s) => `${s.target} ${s.reason}`).join(', ')}`);
        return { result, chosen };
      } catch (err) {
        if (!isCorruptionError(err)) throw err;
        skipped.push({ target: copy.target, reason: 'corrupt', error: errorMessage(err) });
        await this.record(copy, 'corrupt', errorMessage(err));
      }
    }
    throw noUsableCopy(backup.filename, skipped);
  }

  private async tryCopy(
    backup: ReadableBackup,
    copy: CopyRef,
    verify: boolean,
    onVerifyProgress?: OpenOptions['onVerifyProgress'],
  ): Promise<Omit<ChosenCopy, 'skipped'> | SkippedCopy> {
    const skip = (reason: SkippedCopy['reason'], error: string): SkippedCopy => ({ target: copy.target, reason, error });
    const storage = this.targets.get(copy.target);
    if (!storage) return skip('not_configured', `storage target ${copy.target} is not configured`);
    let stored;
    try {
      stored = await storage.stat(copy.location);
    } catch (err) {
      return skip('unreachable', errorMessage(err));
    }
    if (!stored) return skip('missing', `${copy.location} is not in ${storage.location}`);
    const expected = copy.sizeBytes ?? (copy.isPrimary ? backup.sizeBytes : null);
    if (expected !== null && stored.sizeBytes !== expected) return skip('corrupt', `it has ${stored.sizeBytes} bytes, the catalog says ${expected}`);
    const input = storedObjectInput(storage, copy.location, stored.sizeBytes);
    const verified = verify && backup.checksum !== null;
    if (verified) {
      const onBytes = onVerifyProgress && ((bytes: number) => onVerifyProgress(bytes, stored.sizeBytes));
      const problem = await this.checksumProblem(backup, copy, input, onBytes);
      if (problem) return problem;
      await this.record(copy, 'completed', null);
    }
    return { input, target: copy.target, primary: copy.isPrimary, sizeBytes: stored.sizeBytes, verified };
  }

  private async checksumProblem(backup: ReadableBackup, copy: CopyRef, input: StoredInput, onBytes?: (bytes: number) => void): Promise<SkippedCopy | null> {
    try {
      const onProgress = onBytes && ((p: { bytes?: number }) => onBytes(p.bytes ?? 0));
      await decodeToEnd(input, { keys: this.options.keys, encrypted: backup.encrypted, expectedSha256: backup.checksum, onProgress });
      return null;
    } catch (err) {
      // Without the key no copy can be checked: say so instead of calling every copy corrupt.
      if (isAppError(err) && KEY_ERRORS.includes(err.code)) {
        throw new AppError(err.code, `Cannot verify ${backup.filename}: ${err.message}`, { cause: err });
      }
      const reason = isCorruptionError(err) ? 'corrupt' : 'unreachable';
      return { target: copy.target, reason, error: errorMessage(err) };
    }
  }

  private async record(copy: CopyRef, status: CopyCheckStatus, error: string | null): Promise<void> {
    if (!copy.id || !this.options.copies) return;
    await this.options.copies
      .recordCheck(copy.id, status, error)
      .catch((err) => logger.warn(`Could not record the check of ${copy.target}: ${errorMessage(err)}`));
  }
}
