import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { flipByte } from '../helpers/corrupt';
import { takeBackup, waitForExecution } from '../helpers/flows';
import { http } from '../helpers/http';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { databaseUrl, withPg } from '../../scripts/lib/services';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { reconcileVerifySchedule, VERIFY_SCHEDULER_ID } from '../../services/worker/verify-schedule';
import { waitFor } from '../helpers/wait';

async function verify(stack: TestStack, backupId: string, body: unknown = {}) {
  const res = await http('POST', `${stack.baseUrl}/api/backups/${backupId}/verify`, { token: ADMIN_KEY, body });
  assert.equal(res.status, 202, res.text);
  return waitForExecution(stack, res.body.executionId);
}

describe('verification', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let source: { name: string; url: string };

  before(async () => {
    source = await createKanbuDatabase(400);
    stack = await startStack({ env: { DATABASE_URL: source.url, BACKUP_ENCRYPTION_KEY: 'verify test passphrase' }, workerQueues: ['backup', 'verify'] });
  });
  after(() => stack?.close());

  it('records "verified" with the time after recomputing the checksum of the stored copy', async () => {
    const backup = await takeBackup(stack);
    assert.equal(backup.verificationStatus, 'pending');
    const execution = await verify(stack, backup.id);
    assert.equal(execution.status, 'completed', execution.error ?? '');
    const after = await stack.runtime.backups.findById(backup.id);
    assert.equal(after?.verificationStatus, 'verified');
    assert.ok(after?.verifiedAt && after.verifiedAt.getTime() > Date.now() - 60_000);
    assert.deepEqual(after?.verificationDetails?.copies, [{ target: 'local', ok: true }]);
  });

  it('records "failed" with the reason for a corrupted copy, and fails the job without retrying', async () => {
    const backup = await takeBackup(stack);
    await flipByte(join(stack.backupDir, backup.filename), 100);
    const execution = await verify(stack, backup.id);
    assert.equal(execution.status, 'failed');
    assert.equal(execution.attempts, 1);
    assert.match(execution.error ?? '', /Verification of .* failed: local: Encrypted backup is corrupted/);
    const after = await stack.runtime.backups.findById(backup.id);
    assert.equal(after?.verificationStatus, 'failed');
    assert.match(after?.verificationError ?? '', /failed authentication/);
  });

  it('a restore test loads the backup into a temporary database, records table and row counts, and drops it', async () => {
    const backup = await takeBackup(stack);
    const execution = await verify(stack, backup.id, { mode: 'restore-test' });
    assert.equal(execution.status, 'completed', execution.error ?? '');
    const after = await stack.runtime.backups.findById(backup.id);
    const details = after?.verificationDetails as { mode: string; tables: number; rows: Record<string, number>; database: string };
    assert.equal(details.mode, 'restore-test');
    assert.equal(details.tables, 3);
    assert.deepEqual(details.rows, { 'public.projects': 10, 'public.tasks': 400, 'public.users': 20 });
    const shown = await http('GET', `${stack.baseUrl}/api/backups/${backup.id}`, { token: ADMIN_KEY });
    assert.equal(shown.body.verificationStatus, 'verified');
    assert.deepEqual(shown.body.verificationDetails.rows, details.rows, 'the API shows the figures of the restore test');
    const left = await withPg(databaseUrl('postgres'), (c) => c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [details.database]));
    assert.equal(left.rowCount, 0, 'the temporary database is dropped');
  });

  it('reports statistics and queues every pending backup', async () => {
    await takeBackup(stack);
    await takeBackup(stack);
    const stats = await http('GET', `${stack.baseUrl}/api/backups/stats`, { token: ADMIN_KEY });
    assert.equal(stats.status, 200);
    assert.deepEqual(stats.body, { total: 5, verified: 2, pending: 2, failed: 1, noChecksum: 0 });
    const queued = await http('POST', `${stack.baseUrl}/api/backups/verify-pending`, { token: ADMIN_KEY, body: {} });
    assert.equal(queued.status, 202);
    assert.equal(queued.body.queued, 2);
    for (const job of queued.body.jobs) assert.equal((await waitForExecution(stack, job.executionId)).status, 'completed');
    const afterAll = await http('GET', `${stack.baseUrl}/api/backups/stats`, { token: ADMIN_KEY });
    assert.deepEqual(afterAll.body, { total: 5, verified: 4, pending: 0, failed: 1, noChecksum: 0 });
  });

  it('fails a backup with no stored copy left instead of calling it verified', async () => {
    const backup = await takeBackup(stack);
    await stack.runtime.dataSource.query(`UPDATE backup_copy SET status = 'deleted' WHERE backup_id = $1`, [backup.id]);
    const execution = await verify(stack, backup.id);
    assert.equal(execution.status, 'failed');
    const after = await stack.runtime.backups.findById(backup.id);
    assert.equal(after?.verificationStatus, 'failed');
    assert.match(after?.verificationError ?? '', /no stored copy is left to verify/);
    await rm(join(stack.backupDir, backup.filename));
    await stack.runtime.dataSource.query(`DELETE FROM backup WHERE id = $1`, [backup.id]);
  });

  it('refuses a restore test of a source backup with 400, and queues none for pending source backups', async () => {
    const source = await stack.runtime.backups.createRunning({
      type: 'source',
      filename: 'kanbu_source_verify-test.tar.gz',
      compression: 'gzip',
      encrypted: false,
      storage: 'local',
      trigger: 'api',
    });
    await stack.runtime.backups.markCompleted(source.id, { status: 'completed', sizeBytes: 4, sourceBytes: 4, checksum: 'a'.repeat(64), durationMs: 1 });
    const res = await http('POST', `${stack.baseUrl}/api/backups/${source.id}/verify`, { token: ADMIN_KEY, body: { mode: 'restore-test' } });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    const pending = await http('POST', `${stack.baseUrl}/api/backups/verify-pending`, { token: ADMIN_KEY, body: { mode: 'restore-test' } });
    assert.equal(pending.status, 202);
    assert.equal(pending.body.queued, 0);
    await stack.runtime.dataSource.query(`DELETE FROM backup WHERE id = $1`, [source.id]);
  });

  it('validates the mode', async () => {
    const backup = (await stack.runtime.backups.list({ page: 1, pageSize: 1, sort: 'createdAt', order: 'DESC' })).items[0];
    const res = await http('POST', `${stack.baseUrl}/api/backups/${backup.id}/verify`, { token: ADMIN_KEY, body: { mode: 'quick' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'VALIDATION_FAILED');
  });

  it('verifies the newest database backup on a schedule, and the schedule can be removed', async () => {
    const newest = await takeBackup(stack);
    const queue = stack.runtime.queues.get('verify');
    assert.equal(await reconcileVerifySchedule(queue, '* * * * * *', 'UTC', 'checksum'), 'scheduled');
    assert.equal(await reconcileVerifySchedule(queue, '* * * * * *', 'UTC', 'checksum'), 'scheduled', 'idempotent');
    assert.equal((await queue.getJobSchedulers()).length, 1);
    const verified = await waitFor(async () => {
      const b = await stack.runtime.backups.findById(newest.id);
      return b?.verificationStatus === 'verified' ? b : undefined;
    }, 'the scheduled verification of the newest backup');
    assert.equal(verified.verificationDetails?.mode, 'checksum');
    const runs = await stack.runtime.executions.list({ page: 1, pageSize: 5, kind: 'verify' });
    assert.equal(runs.items[0].trigger, 'schedule');
    assert.equal(runs.items[0].backupId, newest.id);
    assert.equal(await reconcileVerifySchedule(queue, undefined, 'UTC', 'checksum'), 'removed');
    assert.equal(await queue.getJobScheduler(VERIFY_SCHEDULER_ID), undefined);
  });
});

describe('a restore test whose server cannot be reached', function () {
  this.timeout(120_000);
  let stack: TestStack;

  before(async () => {
    const source = await createKanbuDatabase(100);
    stack = await startStack({
      env: { DATABASE_URL: source.url, BACKUP_VERIFY_DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere' },
      workerQueues: ['backup', 'verify'],
    });
  });
  after(() => stack?.close());

  it('fails the job as retryable and leaves the backup unjudged: the server is the problem, not the backup', async () => {
    const backup = await takeBackup(stack);
    const execution = await verify(stack, backup.id, { mode: 'restore-test' });
    assert.equal(execution.status, 'failed');
    assert.match(execution.error ?? '', /Connection refused|could not connect/i);
    const after = await stack.runtime.backups.findById(backup.id);
    assert.equal(after?.verificationStatus, 'pending');
  });
});
