import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { databaseLockResource } from '../../shared/queue/locks';
import { executionFinished } from '../helpers/executions';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { http } from '../helpers/http';
import { withPg } from '../../scripts/lib/services';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

describe('a backup whose database is locked by another job', function () {
  this.timeout(90_000);
  let stack: TestStack;
  let resource: string;

  before(async () => {
    const source = await createKanbuDatabase(100);
    resource = databaseLockResource(source.url);
    stack = await startStack({ env: { DATABASE_URL: source.url, BACKUP_LOCK_RETRY_SECONDS: '1' }, workerQueues: ['backup'] });
  });
  after(() => stack?.close());

  it('waits (delayed, queued with a note, no attempt used) and runs once the lock is free', async () => {
    // Stands for a restore or backup of the same database running on another worker.
    const held = await stack.runtime.locks.tryAcquire(resource);
    assert.ok(held);
    const accepted = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
    assert.equal(accepted.status, 202);

    const waiting = await waitFor(async () => {
      const e = await stack.runtime.executions.findById(accepted.body.executionId);
      return e?.details?.waitingForLock === resource && e.status === 'queued' ? e : undefined;
    }, 'the job to wait for the lock');
    assert.equal(waiting.attempts, 0);
    assert.equal(waiting.startedAt, null);
    assert.equal(waiting.backupId, null, 'nothing was started');
    const job = await stack.runtime.queues.get('backup').getJob(accepted.body.jobId);
    assert.ok(['delayed', 'waiting', 'active'].includes(await job!.getState()));
    assert.equal(job!.attemptsMade, 0);
    assert.equal((await stack.runtime.backups.list({ page: 1, pageSize: 5, sort: 'createdAt', order: 'DESC' })).total, 0);

    await held.release();
    const done = await executionFinished(stack.runtime, accepted.body.executionId);
    assert.equal(done.status, 'completed', done.error ?? '');
    assert.equal(done.attempts, 1);
    assert.equal(done.details?.waitingForLock, null);
    assert.equal((await stack.runtime.backups.findById(done.backupId!))?.status, 'completed');
    assert.equal(await stack.runtime.locks.remainingMs(resource), null, 'the job released its lock');
  });
});

describe('a backup that loses its lock while it runs', function () {
  this.timeout(90_000);
  let stack: TestStack;
  let source: { url: string };
  let resource: string;

  before(async () => {
    source = await createKanbuDatabase(100);
    resource = databaseLockResource(source.url);
    // The shortest TTL allowed, so the loss is noticed at the next renewal (~0.7 s).
    stack = await startStack({ env: { DATABASE_URL: source.url, BACKUP_LOCK_TTL_SECONDS: '2', BACKUP_JOB_ATTEMPTS: '1' }, workerQueues: ['backup'] });
  });
  after(() => stack?.close());

  it('is aborted: nothing under a final name, the backup and execution say why', async () => {
    await withPg(source.url, async (client) => {
      // pg_dump waits for this table lock, so the backup is still running when its lock is taken over.
      await client.query('BEGIN; LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE');
      try {
        const accepted = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
        assert.equal(accepted.status, 202);
        await waitFor(() => stack.runtime.locks.remainingMs(resource).then((ms) => ms ?? undefined), 'the backup to take its lock');
        // Stands for the lock expiring while Redis was away and another worker taking it.
        await stack.runtime.redis.set(stack.runtime.locks.key(resource), 'another-holder', 'PX', 60_000);
        const done = await executionFinished(stack.runtime, accepted.body.executionId);
        assert.equal(done.status, 'failed');
        assert.match(done.error ?? '', new RegExp(`Lost the lock on ${resource.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
        const backup = await stack.runtime.backups.findById(done.backupId!);
        assert.equal(backup?.status, 'failed');
        assert.match(backup?.error ?? '', /Lost the lock/);
      } finally {
        await client.query('ROLLBACK');
      }
    });
    assert.deepEqual(await readdir(stack.backupDir), [], 'no file, not even a partial one');
    assert.equal(await stack.runtime.redis.get(stack.runtime.locks.key(resource)), 'another-holder', "the other holder's lock is left alone");
  });
});
