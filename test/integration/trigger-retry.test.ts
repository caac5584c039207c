import assert from 'node:assert/strict';
import { executionFinished } from '../helpers/executions';
import { http } from '../helpers/http';
import { databaseUrl } from '../../scripts/lib/services';
import { ADMIN_KEY, startStack, TestStack, TRIGGER_KEY } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

describe('an external trigger for a slot whose backup failed', function () {
  this.timeout(60_000);
  let stack: TestStack;

  before(async () => {
    stack = await startStack({
      env: { BACKUP_SCHEDULER_MODE: 'external', DATABASE_URL: databaseUrl('kbt_trigger_retry_missing_db') },
      workerQueues: ['backup'],
    });
  });
  after(() => stack?.close());

  it('runs again: a CronJob retry is not swallowed by the failed job of its slot', async () => {
    const created = await http('POST', `${stack.baseUrl}/api/schedules`, {
      token: ADMIN_KEY,
      body: { name: 'nightly', type: 'database', cronExpression: '0 3 * * *' },
    });
    assert.equal(created.status, 201, created.text);
    const trigger = () => http('POST', `${stack.baseUrl}/api/backup/trigger`, { token: TRIGGER_KEY, body: { type: 'database', scheduleId: created.body.id } });

    const first = await trigger();
    assert.equal(first.status, 202, first.text);
    assert.equal((await executionFinished(stack.runtime, first.body.executionId)).status, 'failed');
    // The execution is final a moment before BullMQ files the job as failed.
    await waitFor(
      async () => ((await stack.runtime.queues.get('backup').getJobState(first.body.jobId)) === 'failed' ? true : undefined),
      'the job to be failed',
    );

    const second = await trigger();
    assert.equal(second.status, 202, second.text);
    assert.equal(second.body.deduplicated, false);
    assert.notEqual(second.body.executionId, first.body.executionId);
    assert.equal(second.body.jobId, first.body.jobId, 'the same slot');
    assert.equal((await executionFinished(stack.runtime, second.body.executionId)).status, 'failed', 'it ran');
  });
});
