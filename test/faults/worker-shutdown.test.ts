import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { blockDumps, partialFiles } from '../helpers/dump-blocker';
import { executionFinished } from '../helpers/executions';
import { http } from '../helpers/http';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { ServiceProcess, startProcess } from '../helpers/processes';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

const GRACE_SECONDS = 2;
/** What the process may take beyond its grace: aborting, recording, closing connections (bounded in the worker). */
const EXIT_BOUND_MS = 25_000;

describe('a worker asked to stop (SIGTERM) during a backup that will not finish in time', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let source: { url: string };
  let worker: ServiceProcess | undefined;
  let blocker: { release(): Promise<void> } | undefined;

  before(async () => {
    source = await createKanbuDatabase(200);
    stack = await startStack({
      env: { DATABASE_URL: source.url, WORKER_QUEUES: 'backup', WORKER_SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS), BACKUP_JOB_ATTEMPTS: '1' },
    });
  });
  after(async () => {
    await blocker?.release();
    await worker?.stop('SIGKILL');
    await stack?.close();
  });

  it('aborts it at the deadline and exits: nothing committed, the execution failed with the reason', async () => {
    blocker = await blockDumps(source.url);
    worker = startProcess('services/worker/main.js', stack.env);
    const accepted = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
    assert.equal(accepted.status, 202, accepted.text);
    await waitFor(async () => ((await partialFiles(stack.backupDir)).length === 1 ? true : undefined), `the backup to be dumping\n${worker.output()}`, 60_000);

    const asked = Date.now();
    worker.child.kill('SIGTERM');
    const code = await Promise.race([
      worker.exited,
      new Promise<'still running'>((r) => setTimeout(() => r('still running'), GRACE_SECONDS * 1000 + EXIT_BOUND_MS)),
    ]);
    const tookMs = Date.now() - asked;
    assert.notEqual(code, 'still running', `the worker did not exit within ${GRACE_SECONDS} s + ${EXIT_BOUND_MS} ms\n${worker.output()}`);
    assert.equal(code, 1, 'exit code 1: jobs were aborted');
    assert.ok(tookMs >= GRACE_SECONDS * 1000, `it waited its grace first (exited after ${tookMs} ms)`);

    const done = await executionFinished(stack.runtime, accepted.body.executionId, 10_000);
    assert.equal(done.status, 'failed');
    assert.match(done.error ?? '', /The worker was stopped and its shutdown grace \(2 s\) ran out; nothing was committed/);
    const backup = await stack.runtime.backups.findById(done.backupId!);
    assert.equal(backup?.status, 'failed');
    assert.deepEqual(await readdir(stack.backupDir), [], 'nothing committed, no temporary file left');
  });
});
