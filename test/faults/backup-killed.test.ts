import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { INTERRUPTED_REASON } from '../../shared/jobs/close-interrupted-backups';
import { blockDumps, partialFiles } from '../helpers/dump-blocker';
import { waitForExecution } from '../helpers/flows';
import { http } from '../helpers/http';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { ServiceProcess, startProcess } from '../helpers/processes';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

describe('a backup whose worker is killed (kill -9) mid-dump', function () {
  this.timeout(240_000);
  let stack: TestStack;
  let source: { url: string };
  let worker: ServiceProcess | undefined;
  let blocker: { release(): Promise<void> } | undefined;

  before(async () => {
    source = await createKanbuDatabase(200);
    stack = await startStack({
      env: {
        DATABASE_URL: source.url,
        // Short queue and database locks, so the dead worker's job and lock are noticed within seconds.
        BACKUP_JOB_LOCK_SECONDS: '2',
        BACKUP_LOCK_TTL_SECONDS: '3',
        BACKUP_LOCK_RETRY_SECONDS: '1',
        BACKUP_JOB_ATTEMPTS: '1',
        WORKER_QUEUES: 'backup',
      },
    });
  });
  after(async () => {
    await blocker?.release();
    await worker?.stop('SIGKILL');
    await stack?.close();
  });

  it('ends honestly: the old row failed ("interrupted: worker lost"), its temporary file gone, the retry a new completed backup', async () => {
    blocker = await blockDumps(source.url);
    worker = startProcess('services/worker/main.js', stack.env);
    const accepted = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
    assert.equal(accepted.status, 202, accepted.text);
    const executionId: string = accepted.body.executionId;

    // Mid-dump: the row is running, the temporary file exists, pg_dump waits for the table lock.
    const first = await waitFor(
      async () => {
        const e = await stack.runtime.executions.findById(executionId);
        return e?.backupId && (await partialFiles(stack.backupDir)).length === 1 ? e.backupId : undefined;
      },
      `the backup to be dumping\n${worker.output()}`,
      60_000,
    );
    assert.equal((await stack.runtime.backups.findById(first))?.status, 'running');
    assert.equal(await worker.stop('SIGKILL'), null, 'killed, not exited');

    worker = startProcess('services/worker/main.js', stack.env);
    await blocker.release();
    const done = await waitForExecution(stack, executionId, 120_000);
    assert.equal(done.status, 'completed', `${done.error}\n${worker.output()}`);
    assert.equal(done.attempts, 2, 'the history shows the retry');
    assert.deepEqual(done.details?.interruptedAttempt, { attempt: 1, reason: INTERRUPTED_REASON });
    assert.notEqual(done.backupId, first, 'the retry made a new backup row');

    const interrupted = await stack.runtime.backups.findById(first);
    assert.equal(interrupted?.status, 'failed');
    assert.equal(interrupted?.error, INTERRUPTED_REASON);
    const oldCopies = await stack.runtime.copies.forBackup(first);
    assert.deepEqual(
      oldCopies.map((c) => [c.status, c.error]),
      [['failed', INTERRUPTED_REASON]],
    );
    const retried = await stack.runtime.backups.findById(done.backupId!);
    assert.equal(retried?.status, 'completed');

    const running = await stack.runtime.backups.list({ page: 1, pageSize: 50, sort: 'createdAt', order: 'DESC', status: 'running' });
    assert.equal(running.total, 0, 'no backup row is left running');
    assert.deepEqual(await partialFiles(stack.backupDir), [], 'the temporary file of the killed write is gone');
    assert.deepEqual(await readdir(stack.backupDir), [retried!.filename], 'only the completed backup is stored');

    const metrics = await http('GET', `${stack.baseUrl}/metrics`, { token: ADMIN_KEY });
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /^kanbu_backup_backups\{type="database",status="running"\} 0$/m, 'metrics count no running backup');
    assert.match(metrics.text, /^kanbu_backup_backups\{type="database",status="failed"\} 1$/m);
    assert.match(metrics.text, /^kanbu_backup_executions\{kind="backup",status="completed"\} 1$/m);
  });
});
