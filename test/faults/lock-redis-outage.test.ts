import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { databaseLockResource } from '../../shared/queue/locks';
import { blockDumps, partialFiles } from '../helpers/dump-blocker';
import { executionFinished } from '../helpers/executions';
import { http } from '../helpers/http';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { PrivateRedis } from '../helpers/private-redis';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

describe('Redis dies while a backup holds its database lock', function () {
  this.timeout(180_000);
  let redis: PrivateRedis;
  let stack: TestStack | undefined;
  let source: { url: string };
  let blocker: { release(): Promise<void> } | undefined;

  before(async () => {
    redis = await PrivateRedis.start();
    source = await createKanbuDatabase(200);
    stack = await startStack({
      env: { REDIS_URL: redis.url, DATABASE_URL: source.url, BACKUP_LOCK_TTL_SECONDS: '2', BACKUP_JOB_ATTEMPTS: '1' },
      workerQueues: ['backup'],
    });
  });
  after(async () => {
    await blocker?.release();
    // Back (empty), so the stack can close its queues.
    await redis.restart().catch(() => undefined);
    await stack?.close();
    await redis.kill();
  });

  it('aborts the backup at the next safe point: nothing committed, backup and execution failed with the reason', async () => {
    const resource = databaseLockResource(source.url);
    blocker = await blockDumps(source.url);
    const accepted = await http('POST', `${stack!.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
    assert.equal(accepted.status, 202, accepted.text);
    await waitFor(
      async () => ((await stack!.runtime.locks.remainingMs(resource)) !== null && (await partialFiles(stack!.backupDir)).length === 1 ? true : undefined),
      'the backup to hold its lock and be dumping',
    );

    await redis.kill();
    // pg_dump still waits: only the lost lock can end this backup (before the fix it waited for Redis forever).
    const done = await executionFinished(stack!.runtime, accepted.body.executionId, 30_000);
    await blocker.release();
    assert.equal(done.status, 'failed');
    assert.match(done.error ?? '', /^Lost the lock on db:.*: it could not be renewed for longer than its TTL/);
    const backup = await stack!.runtime.backups.findById(done.backupId!);
    assert.equal(backup?.status, 'failed');
    assert.match(backup?.error ?? '', /Lost the lock/);
    assert.deepEqual(
      (await stack!.runtime.copies.forBackup(backup!.id)).map((c) => c.status),
      ['failed'],
    );
    assert.deepEqual(await readdir(stack!.backupDir), [], 'nothing committed, no temporary file left');
  });
});
