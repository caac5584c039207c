import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { ExcludeMatcher, sourceExcludes } from '../../shared/engine/sources/exclude-patterns';
import { TarSource } from '../../shared/engine/sources/tar.source';
import { AppError, ErrorCode } from '../../shared/errors';
import { createSourceTree, EXCLUDED_PATHS, snapshotTree } from '../helpers/source-tree';

describe('source exclusions', () => {
  const matcher = sourceExcludes('*.tmp, docs/private ,/build/');

  it('excludes the default directories at any depth, but only directories', () => {
    assert.equal(matcher.excludes('node_modules', true), true);
    assert.equal(matcher.excludes('packages/api/node_modules', true), true);
    assert.equal(matcher.excludes('packages/web/.next', true), true);
    assert.equal(matcher.excludes('a/b/c/coverage', true), true);
    assert.equal(matcher.excludes('dist', false), false, 'a file named dist is kept');
    assert.equal(matcher.excludes('src/distribution', true), false);
  });

  it('excludes name globs at any depth and anchored paths from the root only', () => {
    assert.equal(matcher.excludes('server.log', false), true);
    assert.equal(matcher.excludes('a/b/app.log', false), true);
    assert.equal(matcher.excludes('a/b/app.log.txt', false), false);
    assert.equal(matcher.excludes('packages/web/.env.local', false), true);
    assert.equal(matcher.excludes('.env', false), false);
    assert.equal(matcher.excludes('x/y.tmp', false), true);
    assert.equal(matcher.excludes('docs/private', true), true);
    assert.equal(matcher.excludes('other/docs/private', true), false);
    assert.equal(matcher.excludes('build', true), true);
    assert.equal(matcher.excludes('src/build', true), false);
  });

  it('has no rules beyond the ones given', () => {
    assert.equal(new ExcludeMatcher([]).excludes('node_modules', true), false);
  });
});

describe('tar source', () => {
  let dir: string;
  let tree: string;
  let secret: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kbt-tar-'));
    tree = join(dir, 'kanbu');
    secret = join(dir, 'outside-secret.txt');
    await writeFile(secret, 'OUTSIDE-THE-TREE-SECRET\n');
    await createSourceTree(tree, secret);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('archives the tree minus the exclusions; system tar extracts exactly that, links as links', async () => {
    const source = new TarSource(tree, sourceExcludes('*.tmp,docs/private'));
    const opened = await source.open();
    assert.ok(opened.estimatedBytes && opened.estimatedBytes > 70_000);
    const archive = await buffer(opened.stream);
    assert.equal(archive.includes(Buffer.from('OUTSIDE-THE-TREE-SECRET')), false, 'a symlink is never followed out of the tree');

    const out = join(dir, 'extracted');
    await mkdir(out);
    const tar = spawnSync('tar', ['-x', '-f', '-', '-C', out], { input: archive });
    assert.equal(tar.status, 0, tar.stderr.toString());

    const expected = await snapshotTree(tree);
    for (const path of Object.keys(expected)) {
      if (EXCLUDED_PATHS.some((x) => path === x || path.startsWith(`${x}/`))) delete expected[path];
    }
    const got = await snapshotTree(out);
    assert.deepEqual(got, expected);
    assert.equal(got['link-outside'], `link ${secret}`);
    assert.equal(got['packages/api/link-inside.ts'], 'link src/index.ts');
    assert.equal(got['packages/empty-dir'], 'dir');
    assert.equal(got['a-fifo'], undefined, 'FIFOs are not archived');
    assert.equal(await readFile(join(out, 'packages/api/logs/deep/keep.txt'), 'utf8'), 'kept: only *.log is excluded\n');
  });

  it('refuses a root that is not a directory, clearly', async () => {
    await assert.rejects(new TarSource(join(dir, 'nope'), sourceExcludes(undefined)).open(), (err: AppError) => {
      assert.equal(err.code, ErrorCode.SourceFailed);
      assert.match(err.message, /KANBU_SOURCE_PATH .*nope does not exist or is not a directory/);
      return true;
    });
  });
});
