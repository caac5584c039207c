import type { Backup, BackupCopy } from '../catalog/entities';
import type { CopyStatus } from '../domain/types';

/** One stored copy of a backup, as reads and deletes see it. */
export interface CopyRef {
  /** Null for the implied copy of a backup recorded without copy rows. */
  id: string | null;
  target: string;
  location: string;
  isPrimary: boolean;
  status: CopyStatus;
  sizeBytes: number | null;
}

export type BackupWithCopies = Pick<Backup, 'id' | 'filename' | 'storage' | 'sizeBytes'> & { copies?: BackupCopy[] };

/** The copies of a backup; one recorded without copy rows has a single implied copy on its primary target. */
export function copiesOf(backup: BackupWithCopies, rows: readonly BackupCopy[]): CopyRef[] {
  if (rows.length === 0) {
    return [{ id: null, target: backup.storage, location: backup.filename, isPrimary: true, status: 'completed', sizeBytes: backup.sizeBytes }];
  }
  return rows.map((c) => ({ id: c.id, target: c.target, location: c.location, isPrimary: c.isPrimary, status: c.status, sizeBytes: c.sizeBytes }));
}
