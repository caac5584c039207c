import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { requestRestore, waitForExecution } from '../helpers/flows';
import { http } from '../helpers/http';
import { createSourceTree, EXCLUDED_PATHS, snapshotTree } from '../helpers/source-tree';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';

/** The tree as a source backup must hold it: without the excluded paths (and what lies below them) and the FIFO. */
function expected(snapshot: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(snapshot).filter(([path]) => path !== 'a-fifo' && !EXCLUDED_PATHS.some((x) => path === x || path.startsWith(`${x}/`))),
  );
}

describe('restore of a source-code backup into a directory', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let work: string;
  let code: string;
  let backupId: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'kbt-src-restore-'));
    code = join(work, 'kanbu');
    await mkdir(code);
    await writeFile(join(work, 'secret.txt'), 'outside the tree');
    await createSourceTree(code, join(work, 'secret.txt'));
    stack = await startStack({
      env: { KANBU_SOURCE_PATH: code, BACKUP_SOURCE_EXCLUDE: '*.tmp,docs/private', BACKUP_ENCRYPTION_KEY: 'source restore key' },
      workerQueues: ['backup', 'restore'],
    });
    const res = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'source' } });
    const execution = await waitForExecution(stack, res.body.executionId);
    assert.equal(execution.status, 'completed', execution.error ?? '');
    backupId = execution.backupId!;
  });
  after(async () => {
    await stack?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('restores the tree into a new directory, links as links, and touches nothing else', async () => {
    const target = join(work, 'restored');
    const execution = await waitForExecution(stack, await requestRestore(stack, backupId, { targetPath: target }));
    assert.equal(execution.status, 'completed', execution.error ?? '');
    const restored = await snapshotTree(target);
    const original = expected(await snapshotTree(code));
    // An absolute link target is made relative, so the restored tree cannot point outside itself.
    assert.equal(restored['link-outside'], `link ${join(work, 'secret.txt').replace(/^\//, '')}`);
    assert.deepEqual({ ...restored, 'link-outside': original['link-outside'] }, original);
    assert.equal(restored['packages/api/link-inside.ts'], 'link src/index.ts', 'links are restored as links');
    assert.equal(execution.details?.previousPath, null);
    assert.deepEqual((await readdir(work)).sort(), ['kanbu', 'restored', 'secret.txt'], 'no staging directory is left');
  });

  it('refuses a non-empty directory unless asked to replace it, then keeps the old contents aside', async () => {
    const target = join(work, 'occupied');
    await mkdir(target);
    await writeFile(join(target, 'important.txt'), 'do not lose me');
    const refused = await waitForExecution(stack, await requestRestore(stack, backupId, { targetPath: target }));
    assert.equal(refused.status, 'failed');
    assert.match(refused.error ?? '', /is not empty/);
    assert.deepEqual(await readdir(target), ['important.txt']);

    const replaced = await waitForExecution(stack, await requestRestore(stack, backupId, { targetPath: target, replaceExisting: true }));
    assert.equal(replaced.status, 'completed', replaced.error ?? '');
    assert.equal((await snapshotTree(target))['package.json'], expected(await snapshotTree(code))['package.json']);
    const previous = replaced.details?.previousPath as string;
    assert.match(previous, /occupied\.pre-restore-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}$/);
    assert.deepEqual(await readdir(previous), ['important.txt']);
  });

  it('warns before replacing the running code, and validates the options by backup type', async () => {
    const ask = await http('POST', `${stack.baseUrl}/api/backups/${backupId}/restore`, { token: ADMIN_KEY, body: { targetPath: code, replaceExisting: true } });
    assert.equal(ask.status, 200);
    assert.match(ask.body.warnings[0], /replace the RUNNING Kanbu code/);
    for (const body of [{}, { targetDatabase: 'x', targetPath: '/tmp/x' }, { targetPath: 'relative/dir' }]) {
      const res = await http('POST', `${stack.baseUrl}/api/backups/${backupId}/restore`, { token: ADMIN_KEY, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
  });

  it('refuses to restore over the backup storage, a parent of it, or a system directory: the backups stay', async () => {
    const before = await readdir(stack.backupDir);
    for (const targetPath of [stack.backupDir, dirname(stack.backupDir), '/etc']) {
      const res = await http('POST', `${stack.baseUrl}/api/backups/${backupId}/restore`, { token: ADMIN_KEY, body: { targetPath, replaceExisting: true } });
      assert.equal(res.status, 400, `${targetPath}: ${res.text}`);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.equal(res.body.error.details[0].field, 'targetPath');
    }
    assert.deepEqual(await readdir(stack.backupDir), before);
  });
});
