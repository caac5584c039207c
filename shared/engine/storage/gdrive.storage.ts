import type { Readable } from 'node:stream';
import { AppError, ErrorCode } from '../../errors';
import { LocalStorage } from './local.storage';
import { mountProblem } from './mount-check';
import { assertSafeName } from './safe-name';
import type { ByteRange, StorageUsage, StorageWriter, StoredObject } from './storage-backend';

export interface GDriveOptions {
  /** Refuse a path that is not a mount point (BACKUP_GDRIVE_REQUIRE_MOUNT). */
  requireMount: boolean;
}

/**
 * A Google Drive folder mounted with rclone. It behaves like a local directory,
 * but every operation first checks that the mount is there, so a missing mount
 * is an error ("Google Drive mount not available at …") instead of backups
 * silently landing on the local disk under the empty mount point. Names are
 * validated before the mount, so a bad name is a 400 whatever the mount does.
 */
export class GDriveStorage extends LocalStorage {
  constructor(
    name: string,
    root: string,
    private readonly options: GDriveOptions,
  ) {
    super(name, root);
  }

  override async createWriter(name: string): Promise<StorageWriter> {
    assertSafeName(name);
    await this.assertMounted(true);
    return super.createWriter(name);
  }

  override async openRead(name: string, range?: ByteRange): Promise<Readable> {
    assertSafeName(name);
    await this.assertMounted(false);
    return super.openRead(name, range);
  }

  override async stat(name: string): Promise<StoredObject | null> {
    assertSafeName(name);
    await this.assertMounted(false);
    return super.stat(name);
  }

  override async list(): Promise<StoredObject[]> {
    await this.assertMounted(false);
    return super.list();
  }

  override async delete(name: string): Promise<void> {
    assertSafeName(name);
    await this.assertMounted(true);
    return super.delete(name);
  }

  override async replace(from: string, to: string): Promise<void> {
    assertSafeName(from);
    assertSafeName(to);
    await this.assertMounted(true);
    return super.replace(from, to);
  }

  /** rclone mounts have no hard links: this is a full copy through the mount. */
  override async duplicate(from: string, to: string): Promise<void> {
    assertSafeName(from);
    assertSafeName(to);
    await this.assertMounted(true);
    return super.duplicate(from, to);
  }

  override async usage(): Promise<StorageUsage> {
    await this.assertMounted(false);
    return super.usage();
  }

  override async removeStaleWrites(olderThan: Date): Promise<number> {
    await this.assertMounted(true);
    return super.removeStaleWrites(olderThan);
  }

  override async check(): Promise<void> {
    await this.assertMounted(true);
  }

  private async assertMounted(writable: boolean): Promise<void> {
    const problem = await mountProblem(this.root, { mountPoint: this.options.requireMount, writable });
    if (problem) {
      throw new AppError(ErrorCode.StorageUnavailable, `Google Drive mount not available at ${this.root}: ${problem}`, { retryable: true });
    }
  }
}
