import type { Backup } from '../catalog/entities';
import type { BackupCopyRepository, BackupRepository } from '../catalog/repositories';
import type { CopyStatus } from '../domain/types';
import { errorMessage } from '../errors';
import type { Logger } from '../logging';
import type { StorageTargets } from '../engine/storage/storage-targets';
import { copiesOf } from './backup-copies';

export interface DeleteBackupDeps {
  backups: BackupRepository;
  copies: BackupCopyRepository;
  targets: StorageTargets;
  logger: Logger;
}

export interface CopyDeletion {
  target: string;
  status: Extract<CopyStatus, 'deleted' | 'delete_failed'>;
  error: string | null;
}

export interface BackupDeletion {
  /** True when every copy is gone and the record was removed. */
  deleted: boolean;
  copies: CopyDeletion[];
  /** With `keepLastUsable`: nothing was touched because it is the last usable backup of its type. */
  lastUsable?: boolean;
}

/** Copies whose object may exist; `failed` writes never committed one. */
const MAY_EXIST: readonly CopyStatus[] = ['completed', 'missing', 'corrupt', 'delete_failed', 'writing'];

/**
 * Deletes every copy of a backup, on every target, in parallel. The record is
 * removed only when all of them are gone; a copy that could not be deleted is
 * marked `delete_failed` with the reason and reported, never hidden, and a
 * later delete retries it. Runs under the backup's row lock, so it waits for a
 * key rotation of the same backup instead of racing it. An operator's delete
 * passes `keepLastUsable`, re-checked under that lock.
 */
export async function deleteBackupEverywhere(deps: DeleteBackupDeps, backup: Backup, options: { keepLastUsable?: boolean } = {}): Promise<BackupDeletion> {
  let copies: CopyDeletion[] = [];
  const removeStored = async (locked: Backup) => {
    copies = await deleteStoredCopies(deps, locked);
    return copies.every((r) => r.status === 'deleted');
  };
  const removed = options.keepLastUsable
    ? await deps.backups.removeLockedKeepingLastUsable(backup.id, removeStored)
    : await deps.backups.removeLocked(backup.id, removeStored);
  if (removed === 'last') return { deleted: false, copies: [], lastUsable: true };
  if (removed) deps.logger.info(`Deleted backup ${backup.filename} from ${copies.map((r) => r.target).join(', ') || 'the catalog'}`);
  // null: deleted by someone else meanwhile — gone all the same.
  return { deleted: removed !== false, copies };
}

/** Deletes the stored object of every copy (the catalog row stays); each result says how it went. */
export async function deleteStoredCopies(deps: Omit<DeleteBackupDeps, 'backups'>, backup: Backup): Promise<CopyDeletion[]> {
  const rows = backup.copies ?? (await deps.copies.forBackup(backup.id));
  const copies = copiesOf(backup, rows).filter((c) => MAY_EXIST.includes(c.status));
  return Promise.all(
    copies.map(async (copy): Promise<CopyDeletion> => {
      try {
        const storage = deps.targets.get(copy.target);
        if (!storage) throw new Error(`storage target ${copy.target} is not configured (BACKUP_STORAGE / BACKUP_REPLICAS)`);
        await storage.delete(copy.location);
        if (copy.id) await deps.copies.markDeleted(copy.id);
        return { target: copy.target, status: 'deleted', error: null };
      } catch (err) {
        const error = errorMessage(err);
        if (copy.id) await deps.copies.markDeleteFailed(copy.id, error);
        deps.logger.error(`Could not delete the copy of ${backup.filename} on ${copy.target}: ${error}`);
        return { target: copy.target, status: 'delete_failed', error };
      }
    }),
  );
}
