import type { Readable } from 'node:stream';
import type { Backup } from '../catalog/entities';
import { AppError, ErrorCode } from '../errors';
import type { StorageBackend } from '../engine/storage/storage-backend';

export interface OpenedBackup {
  stream: Readable;
  /** The storage target the bytes come from. */
  target: string;
  sizeBytes: number;
}

/** Opens the stored bytes of a backup for download, verification and restore. */
export class BackupReader {
  constructor(private readonly storage: StorageBackend) {}

  async open(backup: Pick<Backup, 'filename'>): Promise<OpenedBackup> {
    const stored = await this.storage.stat(backup.filename);
    if (!stored) throw AppError.notFound(ErrorCode.BackupFileNotFound, `Backup file not found: ${backup.filename} is not in ${this.storage.location}`);
    return { stream: await this.storage.openRead(backup.filename), target: this.storage.name, sizeBytes: stored.sizeBytes };
  }
}
