import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { backupLockResource } from '../../shared/queue/locks';
import { errorLines, runCli, startCli } from '../helpers/cli';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { withPg } from '../../scripts/lib/services';
import { startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

describe('kanbu-backup backup in-process holds the database lock (real CLI processes, Redis, pg_dump)', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let kanbu: { url: string };
  let resource: string;

  before(async () => {
    kanbu = await createKanbuDatabase(200);
    // The shortest TTL allowed, so renewals come every ~0.7 s.
    stack = await startStack({ env: { DATABASE_URL: kanbu.url, BACKUP_LOCK_TTL_SECONDS: '2' } });
    resource = backupLockResource(stack.runtime.config, 'database')!;
  });
  after(() => stack?.close());

  it('holds and renews the lock while pg_dump runs (a second CLI backup is refused meanwhile) and releases it at the end', async () => {
    await withPg(kanbu.url, async (client) => {
      // pg_dump waits for this table lock, so the first backup is still running while we look.
      await client.query('BEGIN; LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE');
      const first = runCli(['backup', 'database'], stack.env);
      try {
        let last = await waitFor(() => stack.runtime.locks.remainingMs(resource).then((ms) => ms ?? undefined), 'the CLI backup to take the lock');
        let lapsed = false;
        await waitFor(async () => {
          const now = await stack.runtime.locks.remainingMs(resource);
          lapsed ||= now === null;
          const renewed = now !== null && now > last;
          last = now ?? 0;
          return renewed || lapsed ? true : undefined;
        }, 'a renewal of the lock (its TTL going up again)');
        assert.equal(lapsed, false, 'the lock never lapses while the backup runs');

        const second = await runCli(['backup', 'database'], stack.env);
        assert.equal(second.code, 75, second.stderr);
        assert.deepEqual(errorLines(second), [
          `kanbu-backup backup: error: ${resource} is locked: a backup or restore of it is running; try again when it is done, or use --queue to have a worker take the backup after it`,
        ]);
      } finally {
        await client.query('ROLLBACK');
      }
      const run = await first;
      assert.equal(run.code, 0, run.stderr);
    });
    assert.equal(await stack.runtime.locks.remainingMs(resource), null, 'released at the end');
    const backups = (await stack.runtime.backups.list({ page: 1, pageSize: 10, sort: 'createdAt', order: 'ASC' })).items;
    assert.deepEqual(
      backups.map((b) => b.status),
      ['completed'],
      'only the first backup was taken',
    );
    assert.deepEqual(await readdir(stack.backupDir), [backups[0].filename]);
  });

  it('Ctrl-C stops a running backup safely: exit 130, recorded as failed with the reason, no file, lock released', async () => {
    await withPg(kanbu.url, async (client) => {
      await client.query('BEGIN; LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE');
      const run = startCli(['backup', 'database'], stack.env);
      try {
        await waitFor(() => stack.runtime.locks.remainingMs(resource).then((ms) => ms ?? undefined), 'the CLI backup to take the lock');
        await waitFor(
          async () => ((await stack.runtime.executions.list({ page: 1, pageSize: 1, kind: 'backup', status: 'running' })).total > 0 ? true : undefined),
          'the run to start',
        );
        process.kill(run.pid()!, 'SIGINT');
        const result = await run.result;
        assert.equal(result.code, 130, result.stderr);
        assert.match(result.stderr, /Interrupted \(SIGINT\): stopping safely/);
      } finally {
        await client.query('ROLLBACK');
      }
    });
    const execution = (await stack.runtime.executions.list({ page: 1, pageSize: 1, kind: 'backup' })).items[0];
    assert.equal(execution.status, 'failed');
    assert.match(execution.error ?? '', /Interrupted by SIGINT/);
    const backup = await stack.runtime.backups.findById(execution.backupId!);
    assert.equal(backup?.status, 'failed');
    const files = await readdir(stack.backupDir);
    assert.ok(!files.includes(backup!.filename) && !files.some((f) => f.includes('.partial')), files.join(', '));
    assert.equal(await stack.runtime.locks.remainingMs(resource), null, 'released');
  });
});
