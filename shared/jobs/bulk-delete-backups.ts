import type { Backup } from '../catalog/entities';
import { BulkDeletionDecision, planBulkDeletion, refusalMessage } from '../domain/deletion-guard';
import { BACKUP_TYPES } from '../domain/types';
import { ErrorCode } from '../errors';
import { deleteBackupEverywhere, DeleteBackupDeps } from './delete-backup';

export const BULK_DELETE_MAX_IDS = 100;

export type BulkDeleteResult =
  | { id: string; status: 'deleted'; filename: string }
  | { id: string; status: 'refused'; code: ErrorCode; message: string; copies?: { target: string; status: string; error: string | null }[] };

/**
 * Deletes every copy of each backup (one after the other, each under its row
 * lock), refusing protected, unfinished and unknown ones, and never the last
 * usable backup of a type — decided for the set as a whole, and re-checked
 * under the lock for each deletion, so concurrent requests cannot empty a type.
 * The API and the CLI both answer with these results.
 */
export async function bulkDeleteBackups(deps: DeleteBackupDeps, ids: readonly string[]): Promise<BulkDeleteResult[]> {
  const found = await deps.backups.findByIds(ids);
  const usable: Record<string, number> = {};
  for (const type of BACKUP_TYPES) if (found.some((b) => b.type === type)) usable[type] = await deps.backups.countUsable(type);
  const byId = new Map(found.map((b) => [b.id, b]));
  const results: BulkDeleteResult[] = [];
  for (const decision of planBulkDeletion(ids, found, usable)) results.push(await apply(deps, decision, byId));
  const deleted = results.filter((r) => r.status === 'deleted').length;
  deps.logger.info(`Bulk delete: ${deleted} of ${results.length} backup(s) deleted`);
  return results;
}

async function apply(deps: DeleteBackupDeps, decision: BulkDeletionDecision, byId: Map<string, Backup>): Promise<BulkDeleteResult> {
  const { id, refusal } = decision;
  const backup = byId.get(id);
  if (refusal || !backup) {
    const code = refusal ?? ErrorCode.BackupNotFound;
    return { id, status: 'refused', code, message: refusalMessage(code, backup) };
  }
  const result = await deleteBackupEverywhere(deps, backup, { keepLastUsable: true });
  if (result.lastUsable) return { id, status: 'refused', code: ErrorCode.LastBackup, message: refusalMessage(ErrorCode.LastBackup, backup) };
  if (!result.deleted) {
    return {
      id,
      status: 'refused',
      code: ErrorCode.BackupDeleteIncomplete,
      message: `Backup ${backup.filename} could not be deleted everywhere; the record is kept, delete again to retry`,
      copies: result.copies,
    };
  }
  return { id, status: 'deleted', filename: backup.filename };
}
