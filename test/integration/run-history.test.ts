import assert from 'node:assert/strict';
import { waitForExecution } from '../helpers/flows';
import { http } from '../helpers/http';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';

describe('run history: the work, not the wait', function () {
  this.timeout(180_000);
  let stack: TestStack;

  before(async () => {
    const source = await createKanbuDatabase(2_000);
    // Eight jobs of one database run at once on this worker: most wait for the lock, and retry often.
    stack = await startStack({
      env: { DATABASE_URL: source.url, WORKER_CONCURRENCY: '8', BACKUP_LOCK_RETRY_SECONDS: '1' },
      workerQueues: ['backup'],
    });
  });
  after(() => stack?.close());

  it('backups of one database queued at once show [startedAt, finishedAt] intervals that do not overlap', async () => {
    const accepted = await Promise.all(
      [1, 2, 3, 4, 5, 6, 7, 8].map(() => http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } })),
    );
    for (const a of accepted) assert.equal(a.status, 202, a.text);
    const ids = accepted.map((a) => a.body.executionId as string);
    for (const id of ids) {
      const done = await waitForExecution(stack, id, 120_000);
      assert.equal(done.status, 'completed', done.error ?? '');
    }

    const listed = await http('GET', `${stack.baseUrl}/api/executions?kind=backup&pageSize=20`, { token: ADMIN_KEY });
    assert.equal(listed.status, 200, listed.text);
    const runs = (listed.body.items as { id: string; startedAt: string; finishedAt: string; details?: Record<string, unknown> }[])
      .filter((e) => ids.includes(e.id))
      .map((e) => ({ id: e.id, start: Date.parse(e.startedAt), end: Date.parse(e.finishedAt), waited: e.details?.waitingForLock !== undefined }))
      .sort((a, b) => a.start - b.start);
    assert.equal(runs.length, 8);
    assert.ok(
      runs.some((r) => r.waited),
      'at least one run had to wait for the lock (else this test proves nothing)',
    );
    for (const r of runs) assert.ok(r.end >= r.start, `${r.id}: finishedAt is not before startedAt`);
    for (let i = 1; i < runs.length; i++) {
      assert.ok(
        runs[i].start >= runs[i - 1].end,
        `run ${runs[i].id} started at ${new Date(runs[i].start).toISOString()}, before ${runs[i - 1].id} finished at ${new Date(runs[i - 1].end).toISOString()}`,
      );
    }
  });
});
