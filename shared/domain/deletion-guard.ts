import { AppError, ErrorCode } from '../errors';
import { BackupStatus, USABLE_BACKUP_STATUSES } from './types';

export interface DeletionCandidate {
  status: BackupStatus;
  isProtected: boolean;
  type: string;
}

/** Why an operator's delete of a backup is refused. */
export type DeletionRefusal = ErrorCode.BackupProtected | ErrorCode.BackupNotCompleted | ErrorCode.LastBackup | ErrorCode.BackupNotFound;

const isUsable = (backup: DeletionCandidate) => USABLE_BACKUP_STATUSES.includes(backup.status);

/** A safe message for each refusal. */
export function refusalMessage(code: DeletionRefusal, backup?: DeletionCandidate): string {
  switch (code) {
    case ErrorCode.BackupProtected:
      return 'This backup is protected; remove the protection first';
    case ErrorCode.BackupNotCompleted:
      return 'This backup is still being written';
    case ErrorCode.LastBackup:
      return `This is the last completed ${backup ? `${backup.type} ` : ''}backup; it cannot be deleted`;
    case ErrorCode.BackupNotFound:
      return 'Backup not found';
  }
}

/** The rule for one backup: never a protected one, never one being written, never the last usable one of its type. */
function refusalFor(backup: DeletionCandidate, usableOfSameType: number): DeletionRefusal | null {
  if (backup.isProtected) return ErrorCode.BackupProtected;
  if (backup.status === 'running') return ErrorCode.BackupNotCompleted;
  if (isUsable(backup) && usableOfSameType <= 1) return ErrorCode.LastBackup;
  return null;
}

/**
 * Whether an operator may delete a backup: never a protected one, never one
 * being written, and never the last usable backup of its type — losing that
 * would leave nothing to restore.
 */
export function assertDeletable(backup: DeletionCandidate, usableOfSameType: number): void {
  const refusal = refusalFor(backup, usableOfSameType);
  if (refusal) throw new AppError(refusal, refusalMessage(refusal, backup));
}

export interface BulkDeletionCandidate extends DeletionCandidate {
  id: string;
  createdAt: Date;
}

export interface BulkDeletionDecision {
  id: string;
  refusal: DeletionRefusal | null;
}

/**
 * Decides a bulk delete as a whole: the same rules as for one backup, and the
 * last-usable rule over the set — when the set holds every usable backup of a
 * type, its newest one is refused (LAST_BACKUP) and the rest may go. Ids are
 * answered once each, in the order asked; unknown ids are BACKUP_NOT_FOUND.
 */
export function planBulkDeletion(
  ids: readonly string[],
  found: readonly BulkDeletionCandidate[],
  usableByType: Readonly<Record<string, number>>,
): BulkDeletionDecision[] {
  const byId = new Map(found.map((b) => [b.id, b]));
  const unique = [...new Set(ids)];
  const refusals = new Map<string, DeletionRefusal | null>();
  for (const id of unique) {
    const backup = byId.get(id);
    refusals.set(id, backup ? refusalFor(backup, Number.POSITIVE_INFINITY) : ErrorCode.BackupNotFound);
  }
  const deletableUsable = new Map<string, BulkDeletionCandidate[]>();
  for (const id of unique) {
    const backup = byId.get(id);
    if (!backup || refusals.get(id) || !isUsable(backup)) continue;
    deletableUsable.set(backup.type, [...(deletableUsable.get(backup.type) ?? []), backup]);
  }
  for (const [type, backups] of deletableUsable) {
    if (backups.length < (usableByType[type] ?? 0)) continue;
    const newest = backups.reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
    refusals.set(newest.id, ErrorCode.LastBackup);
  }
  return unique.map((id) => ({ id, refusal: refusals.get(id) ?? null }));
}
