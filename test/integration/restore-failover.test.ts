import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestRestore, takeBackup, waitForExecution } from '../helpers/flows';
import { createKanbuDatabase, tableChecksum } from '../helpers/kanbu-fixture';
import { databaseUrl, trackDatabase, withPg } from '../../scripts/lib/services';
import { startStack, TestStack } from '../../scripts/lib/stack';

async function databases(prefix: string): Promise<string[]> {
  return withPg(databaseUrl('postgres'), async (c) =>
    (await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY 1`, [`${prefix}%`])).rows.map((r) => r.datname),
  );
}

const digest = async (url: string) => (await Promise.all(['users', 'projects', 'tasks'].map((t) => tableChecksum(url, t)))).join(':');

describe('restore in one pass: load while checking, fail over to a replica (real PostgreSQL)', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let source: { name: string; url: string };
  let replicaDir: string;

  before(async () => {
    source = await createKanbuDatabase(3000);
    replicaDir = await mkdtemp(join(tmpdir(), 'kbt-restore-replica-'));
    stack = await startStack({
      env: {
        DATABASE_URL: source.url,
        BACKUP_ENCRYPTION_KEY: 'restore failover passphrase',
        BACKUP_REPLICAS: 'local:second',
        BACKUP_LOCAL_SECOND_PATH: replicaDir,
      },
      workerQueues: ['backup', 'restore'],
    });
  });
  after(async () => {
    await stack?.close();
    await rm(replicaDir, { recursive: true, force: true });
    for (const name of await databases(source.name)) trackDatabase(name);
  });

  it('a primary that fails its check half-way through the load is rolled back, the replica is loaded, and only then the pre-restore backup is taken', async () => {
    const backup = await takeBackup(stack);
    const atBackup = await digest(source.url);
    const path = join(stack.backupDir, backup.filename);
    const stored = await readFile(path);
    stored[Math.floor(stored.length / 2)] ^= 0x20;
    await writeFile(path, stored);
    await withPg(source.url, (c) => c.query(`UPDATE tasks SET title = 'after the backup' WHERE id <= 50`));
    const before = await digest(source.url);

    const execution = await waitForExecution(stack, await requestRestore(stack, backup.id), 120_000);
    assert.equal(execution.status, 'completed', execution.error ?? '');
    const details = execution.details as {
      readFrom: string;
      skippedCopies: { target: string; reason: string }[];
      preRestoreBackupId: string;
      previousDatabase: string;
    };
    assert.equal(details.readFrom, 'local:second');
    assert.deepEqual(
      details.skippedCopies.map((s) => [s.target, s.reason]),
      [['local', 'corrupt']],
    );
    assert.equal(await digest(source.url), atBackup, 'the live database holds the backup: nothing of the corrupt half-load was committed');
    assert.equal(await digest(databaseUrl(details.previousDatabase)), before);
    const copies = await stack.runtime.copies.forBackup(backup.id);
    assert.deepEqual(copies.map((c) => [c.target, c.status]).sort(), [
      ['local', 'corrupt'],
      ['local:second', 'completed'],
    ]);
    const pre = await stack.runtime.backups.findById(details.preRestoreBackupId);
    assert.equal(pre?.purpose, 'pre_restore');
    assert.ok(pre!.createdAt > new Date(execution.startedAt!.getTime()), 'the pre-restore backup was taken during this restore');
    assert.deepEqual(await databases(`${source.name}_restore_`), [], 'no temporary database is left');
  });
});
