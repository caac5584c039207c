import type { Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { create as createTar } from 'tar';
import { AppError, ErrorCode, errorMessage } from '../../errors';
import type { BackupSource, OpenedSource } from './backup-source';
import type { ExcludeMatcher } from './exclude-patterns';

const TAR_BLOCK = 512;

/** Regular files, directories and symlinks are archived; sockets, FIFOs and devices are not source code. */
function isArchivable(s: Stats): boolean {
  return s.isFile() || s.isDirectory() || s.isSymbolicLink();
}

/**
 * A tar archive of the Kanbu code base (KANBU_SOURCE_PATH), streamed as it is
 * read. Entries are relative to the root; symlinks are stored as links and
 * never followed, so nothing outside the tree is read; excluded paths are
 * skipped, excluded directories are not even entered. Any read error fails the
 * backup rather than silently leaving a file out. `portable` leaves out owner
 * ids, device and inode numbers (which GNU tar would warn about): files
 * extract owned by whoever extracts them, with their modes and times.
 */
export class TarSource implements BackupSource {
  readonly type = 'source' as const;
  readonly extension = 'tar';

  constructor(
    private readonly root: string,
    private readonly exclude: ExcludeMatcher,
  ) {}

  async open(): Promise<OpenedSource> {
    await this.requireDirectory();
    const keep = (path: string, s: Stats) => isArchivable(s) && !this.exclude.excludes(path.replace(/^\.\//, ''), s.isDirectory());
    const topLevel = (await readdir(this.root)).sort();
    const estimatedBytes = await this.measure('', topLevel, keep);
    const pack = createTar(
      { cwd: this.root, portable: true, strict: true, follow: false, maxReadSize: 1024 * 1024, filter: (path, entry) => keep(path, entry as Stats) },
      topLevel,
    );
    const root = this.root;
    async function* archive(): AsyncGenerator<Buffer> {
      try {
        for await (const chunk of pack) yield chunk as Buffer;
      } catch (err) {
        throw new AppError(ErrorCode.SourceFailed, `tar of ${root} failed: ${errorMessage(err)}`);
      }
    }
    return { stream: Readable.from(archive(), { objectMode: false }), estimatedBytes, facts: { mode: 'tar', root: this.root } };
  }

  private async requireDirectory(): Promise<void> {
    const s = await stat(this.root).catch(() => null);
    if (!s?.isDirectory()) {
      throw new AppError(ErrorCode.SourceFailed, `KANBU_SOURCE_PATH ${this.root} does not exist or is not a directory`);
    }
  }

  /** Approximate archive size (contents plus one header per entry), for progress. */
  private async measure(prefix: string, names: string[], keep: (path: string, s: Stats) => boolean): Promise<number> {
    let total = 0;
    for (const name of names) {
      const path = prefix ? `${prefix}/${name}` : name;
      const s = await lstat(join(this.root, path)).catch(() => null);
      if (!s || !keep(path, s)) continue;
      total += TAR_BLOCK + (s.isFile() ? Math.ceil(s.size / TAR_BLOCK) * TAR_BLOCK : 0);
      if (s.isDirectory()) total += await this.measure(path, await readdir(join(this.root, path)).catch(() => []), keep);
    }
    return total + 2 * TAR_BLOCK;
  }
}
