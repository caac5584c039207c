import { isAbsolute, relative, resolve, sep } from 'node:path';

/** A directory a source restore must never move aside or write into. */
export interface ProtectedPath {
  label: string;
  path: string;
  /** The target may be this very directory (the running code, replaced when explicitly asked). */
  sameAllowed?: boolean;
}

// Directories of the system itself: never a target, and nothing inside the first group either.
const SYSTEM_TREES = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/proc', '/run', '/sbin', '/sys', '/usr'];
const SYSTEM_DIRS = ['/', '/home', '/media', '/mnt', '/opt', '/root', '/srv', '/tmp', '/var'];

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * Why `targetPath` cannot receive a source restore, or null. A restore moves a
 * non-empty target aside, so a target that is, holds or lies inside a storage
 * root would take the backups with it; system directories are refused outright.
 */
export function sourceRestoreTargetProblem(targetPath: string, protectedPaths: readonly ProtectedPath[]): string | null {
  if (!isAbsolute(targetPath)) return 'targetPath must be an absolute path';
  const target = resolve(targetPath);
  if (SYSTEM_DIRS.includes(target) || SYSTEM_TREES.some((tree) => target === tree || inside(target, tree))) {
    return `targetPath ${target} is a system directory; restore into a directory of its own, e.g. /srv/kanbu-restored`;
  }
  for (const p of protectedPaths) {
    const path = resolve(p.path);
    if (target === path && p.sameAllowed) continue;
    if (target === path || inside(target, path) || inside(path, target)) {
      return `targetPath ${target} overlaps ${p.label} (${path}); restore into a directory of its own`;
    }
  }
  return null;
}
