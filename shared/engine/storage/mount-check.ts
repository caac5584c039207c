import { access, constants, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { withTimeout } from '../../util/with-timeout';

/** A hung FUSE mount (rclone lost its connection) can block stat() for minutes. */
const CHECK_TIMEOUT_MS = 10_000;

export interface MountRequirements {
  /** The path must be the root of its own filesystem (st_dev differs from its parent's). */
  mountPoint: boolean;
  writable: boolean;
}

/**
 * Why `path` cannot be used as a mounted directory, or null when it can. The
 * path is never created: when a mount is absent, creating it would put backups
 * on the local disk under the empty mount point.
 */
export async function mountProblem(path: string, requirements: MountRequirements): Promise<string | null> {
  return withTimeout(probe(path, requirements), CHECK_TIMEOUT_MS, `it did not answer within ${CHECK_TIMEOUT_MS / 1000} s`).catch((err: Error) => err.message);
}

async function probe(path: string, requirements: MountRequirements): Promise<string | null> {
  let own;
  try {
    own = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'the directory does not exist';
    if (code === 'ENOTCONN') return 'the mount is not connected (restart rclone)';
    return (err as Error).message;
  }
  if (!own.isDirectory()) return 'it is not a directory';
  if (requirements.mountPoint) {
    // `/` is its own parent, so it never counts as a mount point either.
    const parent = await stat(dirname(path));
    if (parent.dev === own.dev) return 'it is not a mount point (it is on the same filesystem as its parent directory)';
  }
  if (requirements.writable) {
    try {
      await access(path, constants.W_OK);
    } catch (err) {
      return `it is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
    }
  }
  return null;
}
