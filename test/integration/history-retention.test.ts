import assert from 'node:assert/strict';
import { enqueue } from '../../shared/queue/enqueue';
import { executionFinished } from '../helpers/executions';
import { startStack, TestStack } from '../../scripts/lib/stack';

describe('job history retention (BACKUP_HISTORY_DAYS) after a prune', function () {
  this.timeout(60_000);
  let stack: TestStack;

  before(async () => {
    stack = await startStack({ env: { BACKUP_HISTORY_DAYS: '30' }, workerQueues: ['prune'] });
  });
  after(() => stack?.close());

  /** A finished (or still running) execution whose run ended `daysAgo` days ago. */
  async function run(
    kind: 'backup' | 'verify' | 'restore' | 'notify',
    daysAgo: number,
    options: { status?: 'completed' | 'failed' | 'running'; details?: Record<string, unknown> } = {},
  ) {
    const execution = await stack.runtime.executions.create({ kind, trigger: 'api', queue: kind, details: options.details ?? null });
    const status = options.status ?? 'completed';
    if (status === 'completed') await stack.runtime.executions.markCompleted(execution.id);
    if (status === 'failed') await stack.runtime.executions.markFailed(execution.id, 'it failed', true);
    if (status === 'running') await stack.runtime.executions.markRunning(execution.id, 1);
    await stack.runtime.dataSource.query(
      `UPDATE execution SET queued_at = now() - make_interval(days => $2), finished_at = CASE WHEN finished_at IS NULL THEN NULL ELSE now() - make_interval(days => $2) END WHERE id = $1`,
      [execution.id, daysAgo],
    );
    return execution.id;
  }

  async function delivery(daysAgo: number) {
    const row = await stack.runtime.deliveries.record({ deliveryId: crypto.randomUUID(), event: 'test', channel: 'webhook', attempt: 1, status: 'delivered' });
    await stack.runtime.dataSource.query(`UPDATE notification_delivery SET created_at = now() - make_interval(days => $2) WHERE id = $1`, [row.id, daysAgo]);
    return row.id;
  }

  it('forgets finished runs and deliveries older than the limit, and keeps what is still needed', async () => {
    const oldVerify = await run('verify', 40);
    const oldFailedNotify = await run('notify', 45, { status: 'failed' });
    const recent = await run('verify', 10);
    const stuck = await run('backup', 40, { status: 'running' });
    const keptRestore = await run('restore', 40, { details: { previousDatabase: 'kanbu_pre_restore_20260101_000000' } });
    const droppedRestore = await run('restore', 40, { details: { previousDatabase: null } });
    const backupRun = await run('backup', 40);
    const backup = await stack.runtime.backups.createRunning({
      type: 'database',
      filename: 'kanbu_backup_history-test.sql.gz',
      compression: 'gzip',
      encrypted: false,
      storage: 'local',
      trigger: 'api',
      executionId: backupRun,
    });
    const oldDelivery = await delivery(31);
    const newDelivery = await delivery(29);

    const job = await enqueue(stack.runtime.enqueueDeps, 'prune', { type: 'database', trigger: 'system', scheduleId: null });
    const prune = await executionFinished(stack.runtime, job.executionId);
    assert.equal(prune.status, 'completed', prune.error ?? '');
    assert.deepEqual(prune.details?.historyRemoved, { executions: 3, deliveries: 1 });

    for (const gone of [oldVerify, oldFailedNotify, droppedRestore]) assert.equal(await stack.runtime.executions.findById(gone), null, `${gone} is forgotten`);
    for (const kept of [recent, stuck, keptRestore, backupRun, prune.id]) assert.ok(await stack.runtime.executions.findById(kept), `${kept} is kept`);
    assert.ok(await stack.runtime.backups.findById(backup.id));
    const deliveries = (await stack.runtime.deliveries.list({ page: 1, pageSize: 10 })).items.map((d) => d.id);
    assert.ok(deliveries.includes(newDelivery));
    assert.ok(!deliveries.includes(oldDelivery));
  });
});
