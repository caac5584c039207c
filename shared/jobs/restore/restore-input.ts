import type { Backup } from '../../catalog/entities';
import type { BackupRepository } from '../../catalog/repositories';
import { USABLE_BACKUP_STATUSES } from '../../domain/types';
import { AppError, ErrorCode } from '../../errors';
import type { KeyRing } from '../../engine/crypto/key-ring';
import { decodeToEnd, fileInput, StoredInput } from '../../engine/decode-pipeline';
import type { BackupReader } from '../backup-reader';

/** Bytes ready to restore: already checked end to end, re-openable for the decode path. */
export interface PreparedInput {
  input: StoredInput;
  encrypted?: boolean;
  expectedSha256: string | null;
  /** Where they came from, for the execution's record. */
  facts: Record<string, unknown>;
}

/** What a restore reads: a catalog backup (any of its copies) or a file an operator points at. */
export interface RestoreInput {
  /** For messages: the backup's file name or the path. */
  label: string;
  /** Finds the bytes and verifies them completely — before anything is touched. */
  prepare(onProgress: (fraction: number, bytes?: number, totalBytes?: number) => void): Promise<PreparedInput>;
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

/** A catalog backup: the first copy whose SHA-256 matches the catalog (replicas when the primary fails). */
export function catalogRestoreInput(reader: BackupReader, backup: Backup): RestoreInput {
  return {
    label: backup.filename,
    async prepare(onProgress) {
      const chosen = await reader.choose(backup, { verify: true, onVerifyProgress: (b, total) => onProgress(b / total, b, total) });
      return {
        input: chosen.input,
        encrypted: backup.encrypted,
        expectedSha256: backup.checksum,
        facts: { backupId: backup.id, readFrom: chosen.target, verified: chosen.verified, skippedCopies: chosen.skipped },
      };
    },
  };
}

/**
 * A backup file outside the catalog (a download, or one written by Kanbu's
 * earlier backup function): decoded to the end first — v2 chunks and the legacy
 * format authenticate themselves; an unencrypted file proves at least that it
 * decompresses — and its SHA-256 is then held fixed for the real read.
 */
export function fileRestoreInput(path: string, keys: KeyRing): RestoreInput {
  return {
    label: path,
    async prepare(onProgress) {
      const input = await fileInput(path);
      const checked = await decodeToEnd(input, { keys, onProgress: (p) => onProgress((p.percent ?? 0) / 100, p.bytes, p.totalBytes) });
      return { input, expectedSha256: checked.sha256, facts: { file: path, encryption: checked.encryption, keyId: checked.keyId, sha256: checked.sha256 } };
    },
  };
}
