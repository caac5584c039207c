import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pseudoRandomBytes } from './streams';

/** Every entry below `root`: `path → "dir" | "file <sha256>" | "link <target>"`, paths relative with `/`. */
export async function snapshotTree(root: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(join(root, prefix))).sort()) {
    const path = prefix ? `${prefix}/${name}` : name;
    const s = await lstat(join(root, path));
    if (s.isSymbolicLink()) out[path] = `link ${await readlink(join(root, path))}`;
    else if (s.isDirectory()) {
      out[path] = 'dir';
      Object.assign(out, await snapshotTree(root, path));
    } else if (s.isFile())
      out[path] = `file ${createHash('sha256')
        .update(await readFile(join(root, path)))
        .digest('hex')}`;
  }
  return out;
}

/** Paths a source backup must leave out (default exclusions at several depths, plus `*.tmp` and `docs/private`). */
export const EXCLUDED_PATHS = [
  'node_modules',
  'packages/api/node_modules',
  '.git',
  'dist',
  'packages/web/.next',
  '.turbo',
  'packages/api/coverage',
  'server.log',
  'packages/api/logs/deep/app.log',
  '.env.local',
  'packages/web/.env.local',
  'scratch.tmp',
  'docs/private',
];

/**
 * A small Kanbu-like code tree with everything a source backup must handle:
 * nested files, binary and odd names, an empty directory, symlinks inside and
 * pointing outside the tree, and paths that must be excluded at any depth.
 */
export async function createSourceTree(root: string, outsideSecretPath: string): Promise<void> {
  const files: Record<string, string | Buffer> = {
    'package.json': '{"name":"kanbu"}\n',
    'README.md': '# Kanbu\n',
    '.env': 'NOT_LOCAL=1\n',
    'packages/api/src/index.ts': 'export const api = 1;\n'.repeat(50),
    'packages/api/src/deep/nested/file name with spaces ü.ts': 'export {};\n',
    'packages/web/public/logo.bin': pseudoRandomBytes(70_000, 7),
    'packages/web/src/app.tsx': 'export default function App() { return null; }\n',
    'docs/guide.md': 'Guide\n',
    'docs/private/notes.md': 'excluded by BACKUP_SOURCE_EXCLUDE\n',
    'node_modules/left-pad/index.js': 'module.exports = 1;\n',
    'packages/api/node_modules/x/index.js': 'x\n',
    '.git/HEAD': 'ref: refs/heads/main\n',
    'dist/index.js': 'built\n',
    'packages/web/.next/cache/x': 'cache\n',
    '.turbo/log': 'turbo\n',
    'packages/api/coverage/lcov.info': 'coverage\n',
    'server.log': 'log\n',
    'packages/api/logs/deep/app.log': 'log\n',
    'packages/api/logs/deep/keep.txt': 'kept: only *.log is excluded\n',
    '.env.local': 'SECRET=1\n',
    'packages/web/.env.local': 'SECRET=2\n',
    'scratch.tmp': 'tmp\n',
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  await mkdir(join(root, 'packages/empty-dir'), { recursive: true });
  await symlink('src/index.ts', join(root, 'packages/api/link-inside.ts'));
  await symlink(outsideSecretPath, join(root, 'link-outside'));
  execFileSync('mkfifo', [join(root, 'a-fifo')]);
}
