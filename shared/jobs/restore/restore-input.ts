import type { Backup } from '../../catalog/entities';
import type { BackupRepository } from '../../catalog/repositories';
import { USABLE_BACKUP_STATUSES } from '../../domain/types';
import { AppError, ErrorCode } from '../../errors';
import type { KeyRing } from '../../engine/crypto/key-ring';
import { DecodeResult, fileInput, StoredInput } from '../../engine/decode-pipeline';
import type { BackupReader } from '../backup-reader';

/** Bytes to restore, re-openable for the decode path, with what they are checked against while they are read. */
export interface PreparedInput {
  input: StoredInput;
  encrypted?: boolean;
  expectedSha256: string | null;
}

export interface ReadOutcome {
  decoded: DecodeResult;
  /** Where the bytes came from, for the execution's record. */
  facts: Record<string, unknown>;
}

/** What a restore reads: a catalog backup (any of its copies) or a file an operator points at. */
export interface RestoreInput {
  /** For messages: the backup's file name or the path. */
  label: string;
  /**
   * Decodes the bytes into `apply` in one pass, checked as they are read (checksum,
   * authentication, compression): the checked result only counts if the whole read
   * passed. A corrupt catalog copy is skipped for the next one; `apply` must undo its
   * partial work before it rethrows.
   */
  readInto(apply: (prepared: PreparedInput) => Promise<DecodeResult>): Promise<ReadOutcome>;
}

/** Checks everything about a catalog backup that can be checked without reading it. */
export async function loadRestorableBackup(backups: BackupRepository, keys: KeyRing, backupId: string, type: Backup['type'] | undefined): Promise<Backup> {
  const backup = await backups.findById(backupId);
  if (!backup) throw new AppError(ErrorCode.BackupNotFound, 'Backup not found');
  if (type && backup.type !== type) throw new AppError(ErrorCode.ValidationFailed, `Backup ${backup.filename} is a ${backup.type} backup`);
  if (!USABLE_BACKUP_STATUSES.includes(backup.status)) {
    throw new AppError(ErrorCode.BackupNotCompleted, `Backup ${backup.filename} is ${backup.status}; only completed backups can be restored`);
  }
  if (backup.encrypted && keys.size === 0) {
    throw new AppError(ErrorCode.EncryptionKeyMissing, 'Encryption key not set: this backup is encrypted; set BACKUP_ENCRYPTION_KEY');
  }
  return backup;
}

/** A catalog backup: the first copy whose SHA-256 matches the catalog while it is read (replicas when the primary fails). */
export function catalogRestoreInput(reader: BackupReader, backup: Backup): RestoreInput {
  return {
    label: backup.filename,
    async readInto(apply) {
      const { result, chosen } = await reader.readWith(backup, (copy) =>
        apply({ input: copy.input, encrypted: backup.encrypted, expectedSha256: backup.checksum }),
      );
      return {
        decoded: result,
        facts: { backupId: backup.id, readFrom: chosen.target, verified: chosen.verified, skippedCopies: chosen.skipped },
      };
    },
  };
}

/**
 * A backup file outside the catalog (a download, or one written by Kanbu's
 * earlier backup function): v2 chunks and the legacy format authenticate
 * themselves, gzip and zstd check their own trailer, so a bad file fails the
 * read before the end of its input reaches the consumer.
 */
export function fileRestoreInput(path: string): RestoreInput {
  return {
    label: path,
    async readInto(apply) {
      const decoded = await apply({ input: await fileInput(path), expectedSha256: null });
      return { decoded, facts: { file: path, encryption: decoded.encryption, keyId: decoded.keyId, sha256: decoded.sha256 } };
    },
  };
}
