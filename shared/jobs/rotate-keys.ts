import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Backup } from '../catalog/entities';
import type { BackupCopyRepository, BackupRepository } from '../catalog/repositories';
import { AppError, ErrorCode, errorMessage } from '../errors';
import type { Logger } from '../logging';
import type { ProgressReporter } from '../queue/job-progress';
import { createEncryptStream } from '../engine/crypto/encrypt-stream';
import type { EncryptionKey } from '../engine/crypto/encryption-key';
import { KeyRing } from '../engine/crypto/key-ring';
import { decodeBackup, decodeToEnd, storedObjectInput } from '../engine/decode-pipeline';
import type { StorageBackend } from '../engine/storage/storage-backend';

/** Staged re-encryptions are `<name>.rotate-<12 hex>` until they replace the original. */
const STAGED = /\.rotate-[0-9a-f]{12}$/;

export interface RotateKeysDeps {
  backups: BackupRepository;
  copies: BackupCopyRepository;
  storage: StorageBackend;
  keys: KeyRing;
  logger: Logger;
}

export interface RotationOutcome {
  backupId: string;
  filename: string;
  /** Key id and format before the rotation. */
  from: string;
  status: 'rotated' | 'failed' | 'planned';
  error?: string;
}

export interface RotateKeysOptions {
  /** Only say what would be re-encrypted. */
  dryRun?: boolean;
  onStart?: (backup: Backup, index: number, total: number) => void;
  onProgress?: ProgressReporter;
  onOutcome?: (outcome: RotationOutcome) => void;
}

/** Whether a backup is already encrypted, in format v2, with the current key. */
function isCurrent(backup: Backup, current: EncryptionKey): boolean {
  return backup.encryptionKeyId === current.id && backup.encryptionFormat === 'v2';
}

function describeKey(backup: Backup): string {
  return `${backup.encryptionFormat ?? 'unknown format'} key ${backup.encryptionKeyId ?? 'unknown'}`;
}

/**
 * Re-encrypts every usable encrypted backup that is not yet in format v2 under
 * the current key (BACKUP_ENCRYPTION_KEY), decrypting with any configured key
 * (BACKUP_ENCRYPTION_OLD_KEYS). For each: decode the stored object (checksum
 * checked against the catalog) → encrypt with the current key → write a staged
 * object → verify the staged object completely (decrypt with the current key
 * alone, checksum, decompress to the end) → atomically replace the original →
 * record the new key id and size. A failure leaves the original untouched and
 * moves on to the next backup.
 */
export async function rotateKeys(deps: RotateKeysDeps, options: RotateKeysOptions = {}): Promise<RotationOutcome[]> {
  const current = deps.keys.current;
  if (!current) throw new AppError(ErrorCode.EncryptionKeyMissing, 'BACKUP_ENCRYPTION_KEY is not set: there is no key to rotate to');
  if (!deps.storage.replace) {
    throw new AppError(ErrorCode.InvalidConfig, `Storage ${deps.storage.name} cannot replace objects atomically, so keys cannot be rotated there`);
  }
  const todo = (await deps.backups.listEncryptedUsable()).filter((b) => !isCurrent(b, current));
  const outcomes: RotationOutcome[] = [];
  const report = (outcome: RotationOutcome) => {
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  };
  if (options.dryRun) {
    for (const b of todo) report({ backupId: b.id, filename: b.filename, from: describeKey(b), status: 'planned' });
    return outcomes;
  }
  await removeStaleStagedObjects(deps);
  for (const [index, backup] of todo.entries()) {
    options.onStart?.(backup, index, todo.length);
    try {
      await rotateOne(deps, backup, current, options.onProgress);
      report({ backupId: backup.id, filename: backup.filename, from: describeKey(backup), status: 'rotated' });
      deps.logger.info(`Re-encrypted ${backup.filename} (${describeKey(backup)}) with key ${current.id}`);
    } catch (err) {
      report({ backupId: backup.id, filename: backup.filename, from: describeKey(backup), status: 'failed', error: errorMessage(err) });
      deps.logger.error(`Could not re-encrypt ${backup.filename}: ${errorMessage(err)}`);
    }
  }
  return outcomes;
}

/** Leftovers of an interrupted rotation; the originals were never touched. */
async function removeStaleStagedObjects(deps: RotateKeysDeps): Promise<void> {
  for (const object of await deps.storage.list()) {
    if (STAGED.test(object.name)) await deps.storage.delete(object.name);
  }
}

async function rotateOne(deps: RotateKeysDeps, backup: Backup, current: EncryptionKey, onProgress?: ProgressReporter): Promise<void> {
  const staged = `${backup.filename}.rotate-${randomBytes(6).toString('hex')}`;
  try {
    const writer = await deps.storage.createWriter(staged);
    const encryptor = await createEncryptStream(current);
    let sha256: string;
    try {
      const [decoded] = await Promise.all([
        decodeBackup(storedObjectInput(deps.storage, backup.filename, backup.sizeBytes ?? undefined), encryptor, {
          keys: deps.keys,
          expectedSha256: backup.checksum,
          encrypted: true,
          output: 'compressed',
          onProgress,
        }),
        pipeline(encryptor, writer.stream),
      ]);
      sha256 = decoded.sha256;
      await writer.commit({ sha256 });
    } catch (err) {
      await writer.abort(err);
      throw err;
    }
    const verified = await decodeToEnd(storedObjectInput(deps.storage, staged), {
      keys: new KeyRing(current),
      expectedSha256: sha256,
      encrypted: true,
    });
    if (verified.encryption !== 'v2' || verified.keyId !== current.id) throw new Error('the re-encrypted copy does not name the current key');
    const stored = await deps.storage.stat(staged);
    if (!stored) throw new Error('the re-encrypted copy disappeared before it could replace the original');
    await deps.storage.replace!(staged, backup.filename);
    await deps.backups.recordReencryption(backup.id, { encryptionKeyId: current.id, encryptionFormat: 'v2', sizeBytes: stored.sizeBytes });
    await deps.copies.updateSize(backup.id, deps.storage.name, stored.sizeBytes);
  } catch (err) {
    await deps.storage.delete(staged).catch(() => undefined);
    throw err;
  }
}
