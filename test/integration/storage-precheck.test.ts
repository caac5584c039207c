import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { takeBackup, waitForExecution } from '../helpers/flows';
import { http } from '../helpers/http';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { withPg } from '../../scripts/lib/services';
import { mountSmallFilesystem } from '../helpers/small-filesystem';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A database whose dump hardly compresses (random text), so its backups have a known, real size. */
async function incompressibleDatabase(rows: number): Promise<{ url: string }> {
  const source = await createKanbuDatabase(rows);
  await withPg(source.url, (c) =>
    c.query(
      `UPDATE tasks SET description = md5(random()::text || id) || md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text)`,
    ),
  );
  return source;
}

describe('storage is checked before pg_dump starts', function () {
  this.timeout(180_000);
  let stack: TestStack | undefined;
  let mounted: { path: string; unmount(): Promise<void> } | null = null;

  afterEach(async () => {
    await stack?.close().catch(() => undefined);
    stack = undefined;
    await mounted?.unmount();
    mounted = null;
  });

  async function backupOn(path: string, source: { url: string }) {
    stack = await startStack({ env: { DATABASE_URL: source.url, BACKUP_LOCAL_PATH: path, BACKUP_JOB_ATTEMPTS: '1' }, workerQueues: ['backup'] });
    return stack;
  }

  async function failedBackup(s: TestStack) {
    const res = await http('POST', `${s.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
    assert.equal(res.status, 202, res.text);
    const done = await waitForExecution(s, res.body.executionId);
    assert.equal(done.status, 'failed');
    return done;
  }

  it('a read-only target: EROFS names the target and its path; no backup row, no dump, no file', async function () {
    mounted = await mountSmallFilesystem({ sizeBytes: 1 << 20, readOnly: true });
    if (!mounted) this.skip();
    const s = await backupOn(mounted!.path, await createKanbuDatabase(50));
    const done = await failedBackup(s);
    assert.match(done.error ?? '', new RegExp(`^Storage target "local" \\(${escape(mounted!.path)}\\) is read-only \\(EROFS\\)`));
    assert.equal(done.backupId, null, 'no backup row was reserved, so no dump ran');
    assert.equal((await s.runtime.backups.list({ page: 1, pageSize: 5, sort: 'createdAt', order: 'DESC' })).total, 0);
    assert.deepEqual(await readdir(mounted!.path), []);
  });

  it('no room for a backup as large as the previous one: refused before dumping, with the sizes', async function () {
    mounted = await mountSmallFilesystem({ sizeBytes: 640 * 1024 });
    if (!mounted) this.skip();
    const source = await incompressibleDatabase(3500);
    const s = await backupOn(mounted!.path, source);
    const first = await takeBackup(s);
    assert.ok(first.sizeBytes! > 320 * 1024, `the first backup takes more than half the disk (${first.sizeBytes} bytes)`);

    const done = await failedBackup(s);
    assert.match(
      done.error ?? '',
      new RegExp(
        `^Not enough room on storage target "local" \\(${escape(mounted!.path)}\\): .* free, but the previous database backup took .*; nothing was dumped$`,
      ),
    );
    assert.equal(done.backupId, null);
    assert.deepEqual(await readdir(mounted!.path), [first.filename], 'the first backup is all there is: no partial file');
  });

  it('a disk that fills up mid-write: ENOSPC names the target and its path, and nothing is left', async function () {
    mounted = await mountSmallFilesystem({ sizeBytes: 128 * 1024 });
    if (!mounted) this.skip();
    // No previous backup, so the size check cannot know: the write itself runs out of space.
    const s = await backupOn(mounted!.path, await incompressibleDatabase(1500));
    const done = await failedBackup(s);
    assert.match(done.error ?? '', new RegExp(`^Storage target "local" \\(${escape(mounted!.path)}\\) has no space left \\(ENOSPC\\)`));
    const backup = await s.runtime.backups.findById(done.backupId!);
    assert.equal(backup?.status, 'failed');
    assert.deepEqual(await readdir(mounted!.path), [], 'no partial file, no final file');
  });
});
