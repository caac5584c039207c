import assert from 'node:assert/strict';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { http, HttpResult } from '../helpers/http';
import { startProcess } from '../helpers/processes';
import { ADMIN_KEY, clearQueuePrefix, startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

function assertError(res: HttpResult, status: number, code: string) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body?.error?.code, code, res.text);
}

async function schedulers(stack: TestStack) {
  return stack.runtime.queues.get('backup').getJobSchedulers(0, -1);
}

describe('schedules API and the job scheduler mirror (BACKUP_SCHEDULER_MODE=internal)', function () {
  this.timeout(90_000);
  let stack: TestStack;
  const api = (method: string, path: string, body?: unknown) => http(method, `${stack.baseUrl}${path}`, { token: ADMIN_KEY, body });

  before(async () => {
    stack = await startStack({ env: { BACKUP_SCHEDULER_MODE: 'internal', BACKUP_CRON_TIMEZONE: 'Europe/Amsterdam', BACKUP_RETENTION_DAYS: '14' } });
  });
  after(() => stack?.close());
  // Every test starts from no schedules and an empty queue, and creates what it needs.
  beforeEach(async () => {
    for (const { id } of (await api('GET', '/api/schedules')).body.items) assert.equal((await api('DELETE', `/api/schedules/${id}`)).status, 200);
    await clearQueuePrefix(stack.runtime);
  });

  const createNightly = () =>
    api('POST', '/api/schedules', { name: 'nightly', type: 'database', cronExpression: '30 2 * * *', timezone: 'america/new_york', keepDaily: 7 });
  async function nightlyId(): Promise<string> {
    const res = await createNightly();
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  }

  it('creates a schedule, shows its next 5 runs in its zone and mirrors it as a job scheduler', async () => {
    const res = await createNightly();
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.timezone, 'America/New_York', 'zones are stored by their canonical name');
    assert.equal(res.body.enabled, true);
    assert.equal(res.body.retentionDays, null);
    assert.equal(res.body.effectiveRetentionDays, 14);
    assert.equal(res.body.mirrorSynced, true);
    assert.deepEqual(res.body.warnings, []);
    assert.equal(res.body.nextRuns.length, 5);
    for (const run of res.body.nextRuns) {
      const local = new Date(run).toLocaleString('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit' });
      assert.equal(local, '02:30', run);
    }
    assert.ok(new Date(res.body.nextRuns[0]) > new Date());

    const mirrored = await schedulers(stack);
    assert.equal(mirrored.length, 1);
    assert.equal(mirrored[0].key, res.body.id);
    assert.equal(mirrored[0].pattern, '30 2 * * *');
    assert.equal(mirrored[0].tz, 'America/New_York');
    assert.deepEqual(mirrored[0].template?.data, { type: 'database', trigger: 'schedule', scheduleId: res.body.id });
    assert.equal(mirrored[0].next, Date.parse(res.body.nextRuns[0]), 'BullMQ runs it when the API says it will');
  });

  it('warns, in the create and update responses, when keepWeekly or keepMonthly reaches beyond retentionDays', async () => {
    const created = await api('POST', '/api/schedules', {
      name: 'gfs',
      type: 'database',
      cronExpression: '0 4 * * *',
      retentionDays: 30,
      keepWeekly: 4,
      keepMonthly: 12,
    });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(
      created.body.warnings.map((w: { code: string }) => w.code),
      ['KEEP_MONTHLY_BEYOND_RETENTION'],
    );
    assert.match(created.body.warnings[0].message, /keepMonthly 12 reaches back 372 days, but retentionDays is 30/);
    const widened = await api('PATCH', `/api/schedules/${created.body.id}`, { retentionDays: 400, keepWeekly: 60 });
    assert.equal(widened.status, 200, widened.text);
    assert.deepEqual(
      widened.body.warnings.map((w: { code: string }) => w.code),
      ['KEEP_WEEKLY_BEYOND_RETENTION'],
    );
    const fixed = await api('PATCH', `/api/schedules/${created.body.id}`, { keepWeekly: 4 });
    assert.deepEqual(fixed.body.warnings, []);
    assert.equal((await api('DELETE', `/api/schedules/${created.body.id}`)).status, 200);
  });

  it('refuses invalid cron expressions and zones with a 400 that gives the reason', async () => {
    await nightlyId();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ cronExpression: '61 2 * * *' }, 'cronExpression', /not a valid cron expression: .*got value 61 expected range 0-59/],
      [{ cronExpression: '0 0 31 2 *' }, 'cronExpression', /Invalid explicit day of month/],
      [{ cronExpression: 'whenever' }, 'cronExpression', /not a valid cron expression/],
      [{ cronExpression: '' }, 'cronExpression', /must not be empty/],
      [{ timezone: 'Mars/Olympus_Mons' }, 'timezone', /unknown time zone "Mars\/Olympus_Mons"/],
      [{ keepWeekly: -1 }, 'keepWeekly', /must not be less than 0/],
      [{ retentionDays: 0 }, 'retentionDays', /must not be less than 1/],
      [{ enabled: 'yes' }, 'enabled', /boolean/],
      [{ type: 'files' }, 'type', /type must be one of: database, source/],
      [{ name: '   ' }, 'name', /must not be empty/],
      [{ name: 'ok\nFAKE LOG LINE' }, 'name', /must not contain control characters/],
      [{ name: 'ok\u2028FAKE LOG LINE' }, 'name', /must not contain control characters/],
      [{ cronExpression: '0\n4 * * *' }, 'cronExpression', /must not contain control characters/],
      [{ timezone: 'UTC\r\nX' }, 'timezone', /must not contain control characters/],
      [{ runAsRoot: true }, 'runAsRoot', /should not exist/],
    ];
    for (const [override, field, message] of cases) {
      const res = await api('POST', '/api/schedules', { name: `bad-${field}`, type: 'database', cronExpression: '0 3 * * *', ...override });
      assertError(res, 400, 'VALIDATION_FAILED');
      assert.ok(
        res.body.error.details.some((d: { field: string }) => d.field === field),
        `${field}: ${res.text}`,
      );
      assert.match(res.body.error.message, message);
    }
    assert.equal((await api('GET', '/api/schedules')).body.total, 1, 'nothing was saved');
    assert.equal((await schedulers(stack)).length, 1, 'nothing was mirrored');
  });

  it('refuses a second schedule with the same name with 409', async () => {
    await nightlyId();
    assertError(await api('POST', '/api/schedules', { name: 'nightly', type: 'source', cronExpression: '0 4 * * *' }), 409, 'SCHEDULE_NAME_TAKEN');
  });

  it('lists and reads schedules; unknown and malformed ids are 404 and 400', async () => {
    await nightlyId();
    const list = await api('GET', '/api/schedules');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.map((s: { name: string }) => s.name),
      ['nightly'],
    );
    const one = await api('GET', `/api/schedules/${list.body.items[0].id}`);
    assert.equal(one.body.cronExpression, '30 2 * * *');
    assertError(await api('GET', '/api/schedules/00000000-0000-4000-8000-000000000000'), 404, 'SCHEDULE_NOT_FOUND');
    assertError(await api('GET', '/api/schedules/nightly'), 400, 'VALIDATION_FAILED');
    assertError(await api('PATCH', '/api/schedules/00000000-0000-4000-8000-000000000000', { enabled: false }), 404, 'SCHEDULE_NOT_FOUND');
  });

  it('PATCH updates the job scheduler, falls back to the default zone, and disabling removes it', async () => {
    const id = await nightlyId();
    const changed = await api('PATCH', `/api/schedules/${id}`, { cronExpression: '15 4 * * 1-5', timezone: null, retentionDays: 30 });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.timezone, null);
    assert.equal(changed.body.effectiveTimezone, 'Europe/Amsterdam');
    assert.equal(changed.body.effectiveRetentionDays, 30);
    const [mirrored] = await schedulers(stack);
    assert.deepEqual([mirrored.pattern, mirrored.tz], ['15 4 * * 1-5', 'Europe/Amsterdam']);

    assertError(await api('PATCH', `/api/schedules/${id}`, { cronExpression: '* * * 13 *' }), 400, 'VALIDATION_FAILED');
    assertError(await api('PATCH', `/api/schedules/${id}`, { name: null }), 400, 'VALIDATION_FAILED');
    assertError(await api('PATCH', `/api/schedules/${id}`, {}), 400, 'VALIDATION_FAILED');
    assert.equal((await schedulers(stack))[0].pattern, '15 4 * * 1-5', 'a refused change changes nothing');

    const disabled = await api('PATCH', `/api/schedules/${id}`, { enabled: false });
    assert.equal(disabled.body.enabled, false);
    assert.deepEqual(disabled.body.nextRuns, []);
    assert.deepEqual(await schedulers(stack), []);
    assert.equal(await stack.runtime.queues.get('backup').getDelayedCount(), 0, 'no scheduled job is left behind');

    await api('PATCH', `/api/schedules/${id}`, { enabled: true });
    assert.equal((await schedulers(stack)).length, 1);
  });

  it('reconciling heals a flushed Redis and removes orphan job schedulers', async () => {
    const id = await nightlyId();
    await clearQueuePrefix(stack.runtime);
    const queue = stack.runtime.queues.get('backup');
    await queue.upsertJobScheduler('left-over', { pattern: '* * * * *' }, { name: 'backup.database', data: { type: 'database', trigger: 'schedule' } });
    assert.deepEqual(
      (await schedulers(stack)).map((s) => s.key),
      ['left-over'],
    );

    const report = await stack.runtime.scheduleMirror.reconcile();
    assert.deepEqual(report, { upserted: 1, removed: 1, unchanged: 0 });
    assert.deepEqual(
      (await schedulers(stack)).map((s) => s.key),
      [id],
    );
    assert.deepEqual(await stack.runtime.scheduleMirror.reconcile(), { upserted: 0, removed: 0, unchanged: 1 }, 'a second run changes nothing');
  });

  it('a worker process reconciles at start', async () => {
    const id = await nightlyId();
    await clearQueuePrefix(stack.runtime);
    const worker = startProcess('services/worker/main.js', { ...stack.env, WORKER_QUEUES: 'prune' });
    try {
      await waitFor(
        async () => ((await schedulers(stack)).some((s) => s.key === id) ? true : undefined),
        `the worker to restore the job scheduler\n${worker.output()}`,
      );
    } finally {
      await worker.stop();
    }
  });

  it('DELETE removes the schedule and its job scheduler, and detaches its backups', async () => {
    const id = await nightlyId();
    const backup = await stack.runtime.backups.createRunning({
      type: 'database',
      filename: 'kanbu_backup_2026-01-01T00-00-00.sql.gz',
      compression: 'gzip',
      encrypted: false,
      storage: 'local',
      trigger: 'schedule',
      scheduleId: id,
    });
    const res = await api('DELETE', `/api/schedules/${id}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { resource: 'schedule', id, deleted: true, mirrorSynced: true });
    assertError(await api('GET', `/api/schedules/${id}`), 404, 'SCHEDULE_NOT_FOUND');
    assert.deepEqual(await schedulers(stack), []);
    assert.equal((await stack.runtime.backups.findById(backup.id))?.scheduleId, null);
    assertError(await api('DELETE', `/api/schedules/${id}`), 404, 'SCHEDULE_NOT_FOUND');
  });
});

describe('external scheduler mode', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ env: { BACKUP_SCHEDULER_MODE: 'external' } });
  });
  after(() => stack?.close());

  it('keeps schedules in the catalog but runs no job schedulers, and removes existing ones', async () => {
    const queue = stack.runtime.queues.get('backup');
    await queue.upsertJobScheduler(
      'from-internal-mode',
      { pattern: '0 1 * * *' },
      { name: 'backup.database', data: { type: 'database', trigger: 'schedule' } },
    );
    const res = await http('POST', `${stack.baseUrl}/api/schedules`, {
      token: ADMIN_KEY,
      body: { name: 'cron-driven', type: 'database', cronExpression: '0 1 * * *' },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.nextRuns.length, 5, 'the slots are still shown: external triggers are filed under them');
    assert.deepEqual(await queue.getJobSchedulers(0, -1), []);
  });
});

describe('scheduled backups and GET /api/status', function () {
  this.timeout(90_000);
  let stack: TestStack;

  before(async () => {
    const source = await createKanbuDatabase(200);
    stack = await startStack({
      env: { BACKUP_SCHEDULER_MODE: 'internal', DATABASE_URL: source.url, BACKUP_LOCK_RETRY_SECONDS: '1' },
      workerQueues: ['backup', 'prune'],
    });
  });
  after(() => stack?.close());

  it('a job scheduler runs the backup, recorded with trigger "schedule" and the schedule id', async () => {
    const created = await http('POST', `${stack.baseUrl}/api/schedules`, {
      token: ADMIN_KEY,
      body: { name: 'every-second', type: 'database', cronExpression: '* * * * * *' },
    });
    assert.equal(created.status, 201, created.text);
    const scheduleId = created.body.id;
    const execution = await waitFor(async () => {
      const page = await stack.runtime.executions.list({ page: 1, pageSize: 50, kind: 'backup', scheduleId });
      return page.items.find((e) => e.status === 'completed' && e.backupId);
    }, 'a scheduled backup to complete');
    const disabled = await http('PATCH', `${stack.baseUrl}/api/schedules/${scheduleId}`, { token: ADMIN_KEY, body: { enabled: false } });
    assert.equal(disabled.status, 200);

    assert.equal(execution.trigger, 'schedule');
    assert.match(execution.jobId ?? '', new RegExp(`^repeat:${scheduleId}:\\d+$`));
    const firedFor = Number(execution.jobId!.split(':')[2]);
    assert.equal(execution.details?.slot, new Date(firedFor).toISOString(), 'the run is filed under the cron time it was due at');
    const backup = await stack.runtime.backups.findById(execution.backupId!);
    assert.equal(backup?.status, 'completed');
    assert.equal(backup?.scheduleId, scheduleId);
    assert.equal(backup?.trigger, 'schedule');
    const job = await http('GET', `${stack.baseUrl}/api/jobs/${encodeURIComponent(execution.jobId!)}`, { token: ADMIN_KEY });
    assert.equal(job.status, 200, job.text);
    assert.equal(job.body.executionId, execution.id);

    const status = await http('GET', `${stack.baseUrl}/api/status`, { token: ADMIN_KEY });
    assert.equal(status.status, 200, status.text);
    assert.equal(status.body.schedulerMode, 'internal');
    const entry = status.body.schedules.find((s: { id: string }) => s.id === scheduleId);
    assert.equal(entry.enabled, false);
    assert.equal(entry.mirrored, false);
    assert.equal(entry.nextRunAt, null);
    assert.ok(entry.lastRun, 'the last run is shown');
    assert.equal(entry.lastRun.trigger, 'schedule');
    assert.ok(entry.lastSuccessAt);
    assert.deepEqual(status.body.orphanJobSchedulers, []);
    for (const queue of ['backup', 'prune', 'restore', 'verify', 'notify']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed', 'completed'])
        assert.equal(typeof status.body.queues[queue][state], 'number', `${queue}.${state}`);
    }
    assert.ok(status.body.queues.backup.completed >= 1);
  });

  it("GET /api/status shows an enabled schedule's next run and that it is mirrored", async () => {
    const created = await http('POST', `${stack.baseUrl}/api/schedules`, {
      token: ADMIN_KEY,
      body: { name: 'weekly', type: 'database', cronExpression: '0 3 * * 0', timezone: 'Asia/Tokyo' },
    });
    const status = await http('GET', `${stack.baseUrl}/api/status`, { token: ADMIN_KEY });
    const entry = status.body.schedules.find((s: { id: string }) => s.id === created.body.id);
    assert.deepEqual(
      { mirrored: entry.mirrored, nextRunAt: entry.nextRunAt, lastRun: entry.lastRun, effectiveTimezone: entry.effectiveTimezone },
      { mirrored: true, nextRunAt: created.body.nextRuns[0], lastRun: null, effectiveTimezone: 'Asia/Tokyo' },
    );
    assert.equal((await http('GET', `${stack.baseUrl}/api/status`)).status, 401, 'admin key required');
  });
});
