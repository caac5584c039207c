import assert from 'node:assert/strict';
import { executionFinished, isFinished } from '../helpers/executions';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { http } from '../helpers/http';
import { ServiceProcess, startProcess } from '../helpers/processes';
import { ADMIN_KEY, startStack, TestStack, TRIGGER_KEY } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

describe('many triggers at once, two worker processes on one queue', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let workers: ServiceProcess[] = [];

  before(async () => {
    const source = await createKanbuDatabase(3000);
    stack = await startStack({ env: { BACKUP_SCHEDULER_MODE: 'external', DATABASE_URL: source.url, BACKUP_LOCK_RETRY_SECONDS: '1' } });
    // Two processes, two jobs each at a time: without the lock, runs would overlap.
    const env = { ...stack.env, WORKER_QUEUES: 'backup,prune', WORKER_CONCURRENCY: '2', LOG_LEVEL: 'info' };
    workers = [startProcess('services/worker/main.js', env), startProcess('services/worker/main.js', env)];
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await stack?.close();
  });

  it('runs one backup of the database at a time, loses none, and deduplicates triggers of one schedule slot', async () => {
    // A cron minute 30 minutes away from the half-way point between slots, so all triggers share one slot.
    const minute = new Date().getUTCMinutes();
    const schedule = await http('POST', `${stack.baseUrl}/api/schedules`, {
      token: ADMIN_KEY,
      body: { name: 'hourly', type: 'database', cronExpression: `${minute} * * * *` },
    });
    assert.equal(schedule.status, 201, schedule.text);

    const trigger = (scheduleId?: string) =>
      http('POST', `${stack.baseUrl}/api/backup/trigger`, { token: TRIGGER_KEY, body: { type: 'database', ...(scheduleId ? { scheduleId } : {}) } });
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => trigger(i % 2 === 0 ? schedule.body.id : undefined)));
    assert.deepEqual(
      responses.map((r) => r.status),
      Array(20).fill(202),
      responses.map((r) => r.text).join('\n'),
    );

    const slotted = responses.filter((_, i) => i % 2 === 0).map((r) => r.body);
    assert.equal(new Set(slotted.map((b) => b.executionId)).size, 1, 'one execution for the slot');
    assert.equal(slotted.filter((b) => !b.deduplicated).length, 1, 'exactly one trigger created it');
    assert.equal(new Set(slotted.map((b) => b.slot)).size, 1);
    const unslotted = responses.filter((_, i) => i % 2 === 1).map((r) => r.body);
    assert.equal(new Set(unslotted.map((b) => b.executionId)).size, 10, 'triggers without a schedule are separate backups');
    const executionIds = [slotted[0].executionId, ...unslotted.map((b) => b.executionId)];

    const executions = await waitFor(
      async () => {
        const rows = await Promise.all(executionIds.map((id) => stack.runtime.executions.findById(id)));
        return rows.every(isFinished) ? rows : undefined;
      },
      `all 11 backups to finish\n${workers.map((w) => w.output()).join('\n')}`,
      150_000,
      250,
    );

    for (const e of executions) {
      assert.equal(e.status, 'completed', `${e.id}: ${e.error}`);
      assert.equal(e.attempts, 1, 'waiting for the lock is not an attempt');
      assert.equal(e.trigger, 'external');
      assert.ok(e.backupId);
      assert.equal(e.details?.waitingForLock ?? null, null);
    }
    assert.equal(executions[0].scheduleId, schedule.body.id);
    assert.ok(
      executions.some((e) => e.details && 'waitingForLock' in e.details),
      'some jobs had to wait for the lock',
    );

    // Each run is recorded by its backup row: reserved after taking the lock, completed before releasing it.
    const runs = await Promise.all(executions.map((e) => stack.runtime.backups.findById(e.backupId!)));
    const intervals = runs.map((b) => ({ name: b!.filename, start: b!.createdAt.getTime(), end: b!.completedAt!.getTime() })).sort((a, b) => a.start - b.start);
    assert.equal(intervals.length, 11);
    for (let i = 1; i < intervals.length; i++) {
      assert.ok(intervals[i - 1].end <= intervals[i].start, `${intervals[i - 1].name} and ${intervals[i].name} overlap: ${JSON.stringify(intervals)}`);
    }
    const backupsInCatalog = await stack.runtime.backups.list({ page: 1, pageSize: 100, sort: 'createdAt', order: 'ASC', type: 'database' });
    assert.equal(backupsInCatalog.total, 11, 'no duplicate backups were taken');
  });
});

describe('BACKUP_SCHEDULER_MODE=both: one backup per schedule slot, whoever triggers it', function () {
  this.timeout(90_000);
  let stack: TestStack;

  before(async () => {
    const source = await createKanbuDatabase(100);
    stack = await startStack({ env: { BACKUP_SCHEDULER_MODE: 'both', DATABASE_URL: source.url, BACKUP_LOCK_RETRY_SECONDS: '1' }, workerQueues: ['backup'] });
  });
  after(() => stack?.close());

  it('an external trigger for a slot the internal scheduler already backed up is recorded, but takes no second backup', async () => {
    const minute = new Date().getUTCMinutes();
    const schedule = await http('POST', `${stack.baseUrl}/api/schedules`, {
      token: ADMIN_KEY,
      body: { name: 'hourly', type: 'database', cronExpression: `${minute} * * * *` },
    });
    assert.equal(schedule.status, 201, schedule.text);
    // What the job scheduler adds when the slot is due: a `schedule` job without an execution.
    await stack.runtime.queues.get('backup').add('backup.database', { type: 'database', trigger: 'schedule', scheduleId: schedule.body.id });
    const internal = await waitFor(async () => {
      const page = await stack.runtime.executions.list({ page: 1, pageSize: 5, kind: 'backup', scheduleId: schedule.body.id });
      return page.items.find((e) => e.status === 'completed');
    }, 'the scheduled run');
    assert.ok(internal.backupId);

    const trigger = await http('POST', `${stack.baseUrl}/api/backup/trigger`, { token: TRIGGER_KEY, body: { type: 'database', scheduleId: schedule.body.id } });
    assert.equal(trigger.status, 202, trigger.text);
    assert.equal(trigger.body.slot, internal.details?.slot, 'both are filed under the same slot');
    const external = await executionFinished(stack.runtime, trigger.body.executionId);
    assert.equal(external.status, 'completed');
    assert.equal(external.backupId, null);
    assert.deepEqual(
      { skipped: external.details?.skipped, duplicateOf: external.details?.duplicateOf },
      { skipped: 'slot_already_backed_up', duplicateOf: internal.id },
    );
    assert.equal((await stack.runtime.backups.list({ page: 1, pageSize: 10, sort: 'createdAt', order: 'ASC' })).total, 1);
  });

  it('refuses triggers for an unknown or disabled schedule, or of the wrong type', async () => {
    const trigger = (body: unknown) => http('POST', `${stack.baseUrl}/api/backup/trigger`, { token: TRIGGER_KEY, body });
    const unknown = await trigger({ type: 'database', scheduleId: '00000000-0000-4000-8000-000000000000' });
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'SCHEDULE_NOT_FOUND']);
    const created = await http('POST', `${stack.baseUrl}/api/schedules`, {
      token: ADMIN_KEY,
      body: { name: 'off', type: 'database', cronExpression: '0 5 * * *', enabled: false },
    });
    const disabled = await trigger({ type: 'database', scheduleId: created.body.id });
    assert.deepEqual([disabled.status, disabled.body.error.code], [409, 'SCHEDULE_DISABLED']);
    await http('PATCH', `${stack.baseUrl}/api/schedules/${created.body.id}`, { token: ADMIN_KEY, body: { enabled: true } });
    const wrongType = await trigger({ type: 'source', scheduleId: created.body.id });
    assert.deepEqual([wrongType.status, wrongType.body.error.code], [400, 'VALIDATION_FAILED']);
    assert.match(wrongType.body.error.message, /type must be the schedule's type \(database\)/);
  });
});
