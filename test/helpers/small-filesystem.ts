import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A tmpfs of its own (a full disk or a read-only mount, for real), mounted on a
 * new directory. Needs root; null where mounting is not allowed.
 */
export async function mountSmallFilesystem(options: { sizeBytes: number; readOnly?: boolean }): Promise<{ path: string; unmount(): Promise<void> } | null> {
  const path = await mkdtemp(join(tmpdir(), 'kbt-fs-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${options.sizeBytes}${options.readOnly ? ',ro' : ''},mode=0700`, 'tmpfs', path]);
  } catch {
    await rm(path, { recursive: true, force: true });
    return null;
  }
  return {
    path,
    async unmount() {
      await run('umount', [path]).catch(() => undefined);
      await rm(path, { recursive: true, force: true });
    },
  };
}
