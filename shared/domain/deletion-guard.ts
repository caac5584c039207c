import { AppError, ErrorCode } from '../errors';
import { BackupStatus, USABLE_BACKUP_STATUSES } from './types';

export interface DeletionCandidate {
  status: BackupStatus;
  isProtected: boolean;
  type: string;
}

/**
 * Whether an operator may delete a backup: never a protected one, never one
 * being written, and never the last usable backup of its type — losing that
 * would leave nothing to restore.
 */
export function assertDeletable(backup: DeletionCandidate, usableOfSameType: number): void {
  if (backup.isProtected) {
    throw new AppError(ErrorCode.BackupProtected, 'This backup is protected; remove the protection first');
  }
  if (backup.status === 'running') {
    throw new AppError(ErrorCode.BackupNotCompleted, 'This backup is still being written');
  }
  if (USABLE_BACKUP_STATUSES.includes(backup.status) && usableOfSameType <= 1) {
    throw new AppError(ErrorCode.LastBackup, `This is the last completed ${backup.type} backup; it cannot be deleted`);
  }
}
