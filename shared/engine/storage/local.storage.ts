import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, constants, copyFile, link, mkdir, open, readdir, rename, stat, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { AppError, ErrorCode } from '../../errors';
import { assertSafeName } from './safe-name';
import { ByteRange, CommitMetadata, StorageBackend, StorageUsage, StorageWriter, StoredObject } from './storage-backend';

/** Prefix of in-progress writes; listing skips them and cleanup removes stale ones. */
export const PARTIAL_PREFIX = '.partial-';

/** link() errors of filesystems without hard links (FUSE mounts such as rclone's). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Gives a finished temp file its final name without ever replacing a file: a
 * hard link where the filesystem has them (atomic), else — rclone mounts have
 * none — a rename once the name is known to be free.
 */
async function publishNoOverwrite(tempPath: string, finalPath: string): Promise<void> {
  try {
    await link(tempPath, finalPath);
    await unlink(tempPath).catch(() => undefined);
    return;
  } catch (err) {
    if (!NO_HARD_LINKS.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
  const taken = await stat(finalPath).then(
    () => true,
    (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? false : Promise.reject(err)),
  );
  if (taken) throw Object.assign(new Error(`EEXIST: file already exists, ${finalPath}`), { code: 'EEXIST' });
  await rename(tempPath, finalPath);
}

/** Backups in a directory: temp file, fsync, then a no-overwrite rename into place. */
export class LocalStorage implements StorageBackend {
  constructor(
    readonly name: string,
    readonly root: string,
  ) {}

  get location(): string {
    return this.root;
  }

  describe(name: string): string {
    return join(this.root, assertSafeName(name));
  }

  async createWriter(name: string): Promise<StorageWriter> {
    const finalPath = this.describe(name);
    await this.ensureRoot();
    const tempPath = join(this.root, `${PARTIAL_PREFIX}${randomBytes(6).toString('hex')}-${name}`);
    const stream = createWriteStream(tempPath, { flags: 'wx', mode: 0o600 });
    const removeTemp = () => unlink(tempPath).catch(() => undefined);
    return {
      stream,
      commit: async (_metadata: CommitMetadata) => {
        if (!stream.writableFinished) await finished(stream);
        await fsyncPath(tempPath);
        try {
          await publishNoOverwrite(tempPath, finalPath);
        } catch (err) {
          await removeTemp();
          throw err;
        }
        try {
          await fsyncPath(this.root);
        } catch (err) {
          // Not durable: take the name back, so a failed copy never leaves a file under a final name.
          await unlink(finalPath).catch(() => undefined);
          throw err;
        }
        return { sizeBytes: stream.bytesWritten };
      },
      abort: async () => {
        // The file is opened asynchronously: unlinking before it is closed could run before it even exists.
        if (!stream.closed) {
          const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
          stream.destroy();
          await closed;
        }
        await removeTemp();
      },
    };
  }

  async openRead(name: string, range?: ByteRange): Promise<Readable> {
    const path = this.describe(name);
    await this.requireFile(name, path);
    return createReadStream(path, range ? { start: range.start, end: range.end } : {});
  }

  async stat(name: string): Promise<StoredObject | null> {
    try {
      const s = await stat(this.describe(name));
      return s.isFile() ? { name, sizeBytes: s.size, modifiedAt: s.mtime } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async list(): Promise<StoredObject[]> {
    const entries = await this.entries();
    const objects = await Promise.all(entries.filter((e) => !e.startsWith('.')).map((e) => this.stat(e).catch(() => null)));
    return objects.filter((o): o is StoredObject => o !== null);
  }

  async delete(name: string): Promise<void> {
    try {
      await unlink(this.describe(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  async removeStaleWrites(olderThan: Date): Promise<number> {
    let removed = 0;
    for (const entry of (await this.entries()).filter((e) => e.startsWith(PARTIAL_PREFIX))) {
      const path = join(this.root, entry);
      try {
        const s = await stat(path);
        // mtime moves with every write, so a write still in progress is never "stale".
        if (!s.isFile() || s.mtime >= olderThan) continue;
        await unlink(path);
        removed++;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return removed;
  }

  async replace(from: string, to: string): Promise<void> {
    const source = this.describe(from);
    const target = this.describe(to);
    await this.requireFile(from, source);
    await fsyncPath(source);
    await rename(source, target);
    await fsyncPath(this.root);
  }

  async duplicate(from: string, to: string): Promise<void> {
    const source = this.describe(from);
    const target = this.describe(to);
    await this.requireFile(from, source);
    try {
      await link(source, target);
    } catch (err) {
      if (!NO_HARD_LINKS.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      await copyFile(source, target, constants.COPYFILE_EXCL);
      await fsyncPath(target);
    }
    await fsyncPath(this.root);
  }

  async usage(): Promise<StorageUsage> {
    const objects = await this.list();
    const fs = await statfs(this.root);
    return {
      usedBytes: objects.reduce((sum, o) => sum + o.sizeBytes, 0),
      freeBytes: fs.bavail * fs.bsize,
      totalBytes: fs.blocks * fs.bsize,
      objectCount: objects.length,
    };
  }

  async check(): Promise<void> {
    await this.ensureRoot();
    try {
      await access(this.root, constants.W_OK);
    } catch {
      throw new AppError(ErrorCode.StorageUnavailable, `Backup directory ${this.root} is not writable`);
    }
  }

  /** The names in the root directory; none while it does not exist yet. */
  private async entries(): Promise<string[]> {
    try {
      return await readdir(this.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  private async ensureRoot(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new AppError(ErrorCode.StorageUnavailable, `Backup directory ${this.root} cannot be created: ${(err as Error).message}`, {
        retryable: true,
      });
    }
  }

  private async requireFile(name: string, path: string): Promise<void> {
    try {
      await access(path, constants.R_OK);
    } catch {
      throw new AppError(ErrorCode.BackupFileNotFound, `Backup file not found: ${name} is not in ${this.root}`);
    }
  }
}
