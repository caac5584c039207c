import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { http } from '../helpers/http';
import { databaseUrl } from '../../scripts/lib/services';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

async function runBackup(stack: TestStack) {
  const accepted = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
  assert.equal(accepted.status, 202);
  const execution = await waitFor(async () => {
    const e = await stack.runtime.executions.findById(accepted.body.executionId);
    return e && ['completed', 'failed'].includes(e.status) ? e : undefined;
  }, 'the execution to finish');
  return { accepted, execution };
}

describe('a failing pg_dump', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({
      env: { DATABASE_URL: databaseUrl('kbt_this_database_does_not_exist'), BACKUP_ENCRYPTION_KEY: 'failure test key', BACKUP_JOB_ATTEMPTS: '3' },
      workerQueues: ['backup'],
    });
  });
  after(() => stack?.close());

  it("fails the execution with pg_dump's message, does not retry a permanent error, and leaves no file", async () => {
    const { accepted, execution } = await runBackup(stack);
    assert.equal(execution.status, 'failed');
    assert.equal(execution.attempts, 1, 'a missing database is permanent: no retries');
    assert.match(execution.error ?? '', /pg_dump exited with code 1: .*database "kbt_this_database_does_not_exist" does not exist/);

    // The execution is recorded before BullMQ moves the job to its failed set.
    const job = await waitFor(async () => {
      const res = await http('GET', `${stack.baseUrl}/api/jobs/${accepted.body.jobId}`, { token: ADMIN_KEY });
      return res.body.state === 'active' ? undefined : res;
    }, 'the job to leave the active state');
    assert.equal(job.body.state, 'failed');
    assert.match(job.body.failedReason, /does not exist/);

    const backup = await stack.runtime.backups.findByIdWithCopies(execution.backupId!);
    assert.equal(backup?.status, 'failed');
    assert.match(backup?.error ?? '', /does not exist/);
    assert.equal(backup?.copies?.[0].status, 'failed');
    assert.deepEqual(await readdir(stack.backupDir), [], 'no file, final or temporary');

    const history = await http('GET', `${stack.baseUrl}/api/executions?status=failed`, { token: ADMIN_KEY });
    assert.equal(history.body.total, 1);
    assert.match(history.body.items[0].error, /does not exist/);
  });
});

describe('a pg_dump that cannot reach the server', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({
      env: { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/kanbu', BACKUP_PG_MODE: 'direct', BACKUP_JOB_ATTEMPTS: '2' },
      workerQueues: ['backup'],
    });
  });
  after(() => stack?.close());

  it('is retried as transient, then recorded as failed with the reason', async function () {
    this.timeout(90_000);
    const accepted = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
    // Skip the 30 s backoff: promote the delayed retry as soon as it is scheduled.
    const queue = stack.runtime.queues.get('backup');
    const retrying = await waitFor(async () => {
      const e = await stack.runtime.executions.findById(accepted.body.executionId);
      return e?.status === 'retrying' ? e : undefined;
    }, 'the first attempt to fail');
    assert.match(retrying.error ?? '', /Connection refused|could not connect/i);
    await (await queue.getJob(accepted.body.jobId))!.promote();
    const execution = await waitFor(
      async () => {
        const e = await stack.runtime.executions.findById(accepted.body.executionId);
        return e?.status === 'failed' ? e : undefined;
      },
      'the last attempt to fail',
      60_000,
    );
    assert.equal(execution.attempts, 2);
    assert.deepEqual(await readdir(stack.backupDir), []);
  });
});
