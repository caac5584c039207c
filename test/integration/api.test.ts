import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { http } from '../helpers/http';
import { ADMIN_KEY, startStack, TestStack, TRIGGER_KEY } from '../../scripts/lib/stack';

function assertErrorShape(body: { error?: { message?: unknown; code?: unknown } } | undefined, code: string) {
  assert.equal(typeof body?.error?.message, 'string', JSON.stringify(body));
  assert.equal(body?.error?.code, code, JSON.stringify(body));
  assert.equal(JSON.stringify(body).includes('    at '), false, 'no stack trace in error bodies');
}

describe('API', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ env: { BACKUP_SCHEDULER_MODE: 'internal' } });
  });
  after(() => stack?.close());

  describe('authentication', () => {
    it('answers 401 without a key, with a wrong key and with a malformed header', async () => {
      for (const headers of [
        {} as Record<string, string>,
        { authorization: 'Bearer wrong-key-wrong-key-wrong' },
        { authorization: ADMIN_KEY },
        { authorization: `Basic ${ADMIN_KEY}` },
      ]) {
        const res = await http('GET', `${stack.baseUrl}/api/backups`, { headers });
        assert.equal(res.status, 401, JSON.stringify(headers));
        assertErrorShape(res.body, 'UNAUTHORIZED');
      }
    });

    it('does not accept the trigger key on admin endpoints', async () => {
      assert.equal((await http('GET', `${stack.baseUrl}/api/backups`, { token: TRIGGER_KEY })).status, 401);
    });

    it('protects Bull Board with Basic auth, password = admin key', async () => {
      const anonymous = await http('GET', `${stack.baseUrl}/admin/queues`);
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic realm=/);
      const wrong = await http('GET', `${stack.baseUrl}/admin/queues`, { headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` } });
      assert.equal(wrong.status, 401);
      const ok = await http('GET', `${stack.baseUrl}/admin/queues`, {
        headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString('base64')}` },
      });
      assert.equal(ok.status, 200);
      assert.match(ok.text, /<html/i);
      const queues = await http('GET', `${stack.baseUrl}/admin/queues/api/queues`, {
        headers: { authorization: `Basic ${Buffer.from(`ops:${ADMIN_KEY}`).toString('base64')}` },
      });
      assert.equal(queues.status, 200);
      assert.deepEqual(queues.body.queues.map((q: { name: string }) => q.name).sort(), ['backup', 'notify', 'prune', 'restore', 'verify']);
    });

    it('Bull Board is read-only: adding a job there (which would skip the restore confirmation) is refused', async () => {
      const basic = { authorization: `Basic ${Buffer.from(`ops:${ADMIN_KEY}`).toString('base64')}` };
      const add = await http('POST', `${stack.baseUrl}/admin/queues/api/queues/restore/add`, {
        headers: basic,
        body: { name: 'restore.restore', data: { action: 'restore', backupId: '00000000-0000-4000-8000-000000000000', keepPrevious: false } },
      });
      assert.ok(add.status >= 400 && add.status < 500, `${add.status} ${add.text}`);
      assert.equal(await stack.runtime.queues.get('restore').count(), 0, 'nothing was queued');
      const broken = await http('POST', `${stack.baseUrl}/admin/queues/api/queues/restore/add`, { headers: basic, rawBody: '{"name":' });
      assert.ok(broken.status >= 400 && broken.status < 500, `${broken.status} ${broken.text}`);
      assert.equal(typeof broken.body.error.code, 'string', 'our error shape, no stack');
      assert.ok(!broken.text.includes('    at '), broken.text);
    });

    it('leaves /healthz and /readyz open and reports both dependencies', async () => {
      assert.deepEqual((await http('GET', `${stack.baseUrl}/healthz`)).body, { status: 'ok' });
      const ready = await http('GET', `${stack.baseUrl}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body, { status: 'ok', checks: { redis: 'ok', catalog: 'ok' } });
    });
  });

  describe('validation', () => {
    const cases: [string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }, string][] = [
      ['an unknown type', { body: { type: 'nope' } }, 'VALIDATION_FAILED'],
      ['a missing type', { body: {} }, 'VALIDATION_FAILED'],
      ['an unknown field', { body: { type: 'database', dropTables: true } }, 'VALIDATION_FAILED'],
      ['a JSON array', { body: [{ type: 'database' }] }, 'VALIDATION_FAILED'],
      ['broken JSON', { rawBody: '{"type": "database"' }, 'INVALID_JSON'],
      ['a non-JSON content type', { rawBody: 'type=database', headers: { 'content-type': 'text/plain' } }, 'VALIDATION_FAILED'],
    ];
    for (const [what, request, code] of cases) {
      it(`POST /api/backups with ${what} → 400 ${code}, and nothing is queued`, async () => {
        const res = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, ...request });
        assert.equal(res.status, 400, res.text);
        assertErrorShape(res.body, code);
        assert.equal(await stack.runtime.queues.get('backup').count(), 0);
      });
    }

    it('names the offending field in details', async () => {
      const res = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'nope' } });
      assert.equal(res.body.error.details[0].field, 'type');
      assert.match(res.body.error.message, /type must be one of: database, source/);
    });

    it('refuses a too large body with 413', async () => {
      const res = await http('POST', `${stack.baseUrl}/api/backups`, {
        token: ADMIN_KEY,
        rawBody: JSON.stringify({ type: 'database', pad: 'x'.repeat(200_000) }),
      });
      assert.equal(res.status, 413);
      assertErrorShape(res.body, 'PAYLOAD_TOO_LARGE');
    });

    it('validates list queries and ids', async () => {
      for (const query of [
        'page=0',
        'pageSize=1000',
        'sort=name',
        'type=files',
        'status=great',
        'page=abc',
        'page=1e20',
        'page=99999999999999999',
        'page=1&page=2',
        '__proto__=x',
      ]) {
        const res = await http('GET', `${stack.baseUrl}/api/backups?${query}`, { token: ADMIN_KEY });
        assert.equal(res.status, 400, query);
        assertErrorShape(res.body, 'VALIDATION_FAILED');
      }
      const badId = await http('GET', `${stack.baseUrl}/api/backups/not-a-uuid`, { token: ADMIN_KEY });
      assert.equal(badId.status, 400);
      const missing = await http('GET', `${stack.baseUrl}/api/backups/00000000-0000-4000-8000-000000000000`, { token: ADMIN_KEY });
      assert.equal(missing.status, 404);
      assertErrorShape(missing.body, 'BACKUP_NOT_FOUND');
      // Not ids we hand out; some are names of BullMQ's own keys (a 500 before).
      for (const id of ['..%2F..%2Fetc', 'events', 'meta', 'wait', 'repeat', 'id', 'marker']) {
        const job = await http('GET', `${stack.baseUrl}/api/jobs/${id}`, { token: ADMIN_KEY });
        assert.equal(job.status, 400, id);
        assertErrorShape(job.body, 'VALIDATION_FAILED');
      }
      for (const path of ['/api/executions?page=1e20', '/api/notifications/deliveries?page=1e20']) {
        assert.equal((await http('GET', `${stack.baseUrl}${path}`, { token: ADMIN_KEY })).status, 400, path);
      }
      const proto = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, rawBody: '{"type":"database","__proto__":{"x":1}}' });
      assert.equal(proto.status, 400, proto.text);
      assert.equal(await stack.runtime.queues.get('backup').count(), 0);
    });

    it('answers unknown routes with 404 in the error shape', async () => {
      const res = await http('GET', `${stack.baseUrl}/api/nothing-here`, { token: ADMIN_KEY });
      assert.equal(res.status, 404);
      assertErrorShape(res.body, 'ROUTE_NOT_FOUND');
    });
  });

  describe('queueing', () => {
    it('POST /api/backups answers 202 with ids, records a queued execution and adds the job', async () => {
      const res = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
      assert.equal(res.status, 202);
      const execution = await stack.runtime.executions.findById(res.body.executionId);
      assert.equal(execution?.status, 'queued');
      assert.equal(execution?.trigger, 'api');
      const job = await stack.runtime.queues.get('backup').getJob(res.body.jobId);
      assert.deepEqual(job?.data, { type: 'database', trigger: 'api', executionId: res.body.executionId });
      const view = await http('GET', `${stack.baseUrl}/api/jobs/${res.body.jobId}`, { token: ADMIN_KEY });
      assert.equal(view.body.state, 'waiting');
      assert.equal(view.body.executionId, res.body.executionId);
      await job?.remove();
    });

    it('the trigger endpoint is 404 in internal mode, even with the right key', async () => {
      const res = await http('POST', `${stack.baseUrl}/api/backup/trigger`, { token: TRIGGER_KEY, body: { type: 'database' } });
      assert.equal(res.status, 404);
      assertErrorShape(res.body, 'TRIGGER_DISABLED');
    });
  });

  describe('deleting', () => {
    async function seedBackup(filename: string, overrides: Record<string, unknown> = {}) {
      const backup = await stack.runtime.backups.createRunning({
        type: 'database',
        filename,
        compression: 'gzip',
        encrypted: false,
        storage: 'local',
        trigger: 'api',
      });
      await writeFile(join(stack.backupDir, filename), 'dump');
      await stack.runtime.backups.markCompleted(backup.id, { status: 'completed', sizeBytes: 4, sourceBytes: 4, checksum: 'a'.repeat(64), durationMs: 1 });
      if (Object.keys(overrides).length) await stack.runtime.backups.update(backup.id, overrides);
      return backup.id;
    }

    it('refuses the last completed backup and a protected one, then deletes file and row', async () => {
      const first = await seedBackup('kanbu_backup_2026-01-01T00-00-00.sql.gz');
      const last = await http('DELETE', `${stack.baseUrl}/api/backups/${first}`, { token: ADMIN_KEY });
      assert.equal(last.status, 409);
      assertErrorShape(last.body, 'LAST_BACKUP');

      const second = await seedBackup('kanbu_backup_2026-01-02T00-00-00.sql.gz', { isProtected: true });
      const protectedRes = await http('DELETE', `${stack.baseUrl}/api/backups/${second}`, { token: ADMIN_KEY });
      assert.equal(protectedRes.status, 409);
      assertErrorShape(protectedRes.body, 'BACKUP_PROTECTED');

      const ok = await http('DELETE', `${stack.baseUrl}/api/backups/${first}`, { token: ADMIN_KEY });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(await stack.runtime.backups.findById(first), null);
      assert.equal(await stack.runtime.storage.stat('kanbu_backup_2026-01-01T00-00-00.sql.gz'), null);
      assert.ok(await stack.runtime.storage.stat('kanbu_backup_2026-01-02T00-00-00.sql.gz'));
    });

    it('sorts by size and date, filters by type and status, and paginates', async () => {
      await seedBackup('kanbu_backup_2026-01-03T00-00-00.sql.gz');
      const bySize = await http('GET', `${stack.baseUrl}/api/backups?sort=size&order=asc&pageSize=1&page=2`, { token: ADMIN_KEY });
      assert.equal(bySize.status, 200);
      assert.equal(bySize.body.total, 2);
      assert.equal(bySize.body.items.length, 1);
      const byDate = await http('GET', `${stack.baseUrl}/api/backups?sort=date&order=desc`, { token: ADMIN_KEY });
      assert.deepEqual(
        byDate.body.items.map((b: { filename: string }) => b.filename),
        ['kanbu_backup_2026-01-03T00-00-00.sql.gz', 'kanbu_backup_2026-01-02T00-00-00.sql.gz'],
      );
      const sources = await http('GET', `${stack.baseUrl}/api/backups?type=source`, { token: ADMIN_KEY });
      assert.equal(sources.body.total, 0);
    });

    it('answers 404 "Backup file not found" when the file disappeared from storage', async () => {
      const id = await seedBackup('kanbu_backup_2026-01-04T00-00-00.sql.gz');
      await stack.runtime.storage.delete('kanbu_backup_2026-01-04T00-00-00.sql.gz');
      const res = await http('GET', `${stack.baseUrl}/api/backups/${id}/download`, { token: ADMIN_KEY });
      assert.equal(res.status, 404);
      assertErrorShape(res.body, 'BACKUP_FILE_NOT_FOUND');
      assert.match(res.body.error.message, /Backup file not found/);
    });
  });
});

describe('API while Redis is unreachable', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ env: { REDIS_URL: 'redis://127.0.0.1:1' }, role: 'api' });
  });
  after(() => stack?.close());

  it('POST /api/backups answers 503 QUEUE_UNAVAILABLE and records the failed execution', async () => {
    const res = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
    assert.equal(res.status, 503, res.text);
    assertErrorShape(res.body, 'QUEUE_UNAVAILABLE');
    const failed = await stack.runtime.executions.list({ page: 1, pageSize: 5, status: 'failed' });
    assert.equal(failed.total, 1);
    assert.match(failed.items[0].error ?? '', /Could not queue the job/);
  });

  it('/readyz answers 503 naming Redis', async () => {
    const res = await http('GET', `${stack.baseUrl}/readyz`);
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { status: 'unavailable', checks: { redis: 'unreachable', catalog: 'ok' } });
  });
});

describe('API with the trigger endpoint on (BACKUP_SCHEDULER_MODE=external)', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ env: { BACKUP_SCHEDULER_MODE: 'external' } });
  });
  after(() => stack?.close());

  it('401 without a key and with a wrong or admin key, before the body is even read', async () => {
    for (const token of [undefined, 'wrong-trigger-key-123456789', ADMIN_KEY]) {
      const res = await http('POST', `${stack.baseUrl}/api/backup/trigger`, { token, body: { type: 'database' } });
      assert.equal(res.status, 401, String(token));
      assertErrorShape(res.body, 'UNAUTHORIZED');
    }
    assert.equal((await http('POST', `${stack.baseUrl}/api/backup/trigger`, { rawBody: '{"type":' })).status, 401);
    assert.equal(await stack.runtime.queues.get('backup').count(), 0);
  });

  it('202 with the trigger key; the execution is marked external and carries the schedule id', async () => {
    const created = await http('POST', `${stack.baseUrl}/api/schedules`, {
      token: ADMIN_KEY,
      body: { name: 'nightly', type: 'database', cronExpression: '30 2 * * *' },
    });
    assert.equal(created.status, 201, created.text);
    const scheduleId = created.body.id;
    const res = await http('POST', `${stack.baseUrl}/api/backup/trigger`, { token: TRIGGER_KEY, body: { type: 'database', scheduleId } });
    assert.equal(res.status, 202, res.text);
    const execution = await stack.runtime.executions.findById(res.body.executionId);
    assert.equal(execution?.trigger, 'external');
    assert.equal(execution?.scheduleId, scheduleId);
  });

  it('400 for an invalid trigger body', async () => {
    for (const scheduleId of ['x', 1.5, 0, -1, '0012', true]) {
      const res = await http('POST', `${stack.baseUrl}/api/backup/trigger`, { token: TRIGGER_KEY, body: { type: 'database', scheduleId } });
      assert.equal(res.status, 400, String(scheduleId));
      assertErrorShape(res.body, 'VALIDATION_FAILED');
    }
  });

  it("accepts Kanbu's X-Backup-Key header like the Bearer key, and refuses a key in the body", async () => {
    const trigger = (headers: Record<string, string>, body: unknown = { type: 'database' }) =>
      http('POST', `${stack.baseUrl}/api/backup/trigger`, { headers, body });
    const ok = await trigger({ 'x-backup-key': TRIGGER_KEY });
    assert.equal(ok.status, 202, ok.text);
    assert.equal((await stack.runtime.executions.findById(ok.body.executionId))?.trigger, 'external');
    for (const key of ['wrong-trigger-key-123456789', ADMIN_KEY, '']) {
      const refused = await trigger({ 'x-backup-key': key });
      assert.equal(refused.status, 401, key);
      assertErrorShape(refused.body, 'UNAUTHORIZED');
    }
    const missing = await trigger({});
    assert.match(missing.body.error.message, /Authorization: Bearer <key> \(or X-Backup-Key: <key>\)/);
    const inBody = await trigger({}, { type: 'database', apiKey: TRIGGER_KEY });
    assert.equal(inBody.status, 401, 'a key in the body is not a key');
    const both = await trigger({ 'x-backup-key': TRIGGER_KEY }, { type: 'database', apiKey: TRIGGER_KEY });
    assert.equal(both.status, 400, both.text);
    assert.match(both.body.error.message, /apiKey should not exist/);
    // The admin endpoints do not take the legacy header.
    assert.equal((await http('GET', `${stack.baseUrl}/api/backups`, { headers: { 'x-backup-key': ADMIN_KEY } })).status, 401);
  });

  it('takes a schedule by its number, in the trigger and in /api/schedules/:id', async () => {
    const created = await http('POST', `${stack.baseUrl}/api/schedules`, {
      token: ADMIN_KEY,
      body: { name: 'numbered', type: 'database', cronExpression: '0 5 * * *' },
    });
    assert.equal(created.status, 201, created.text);
    const { id, number } = created.body;
    assert.ok(Number.isInteger(number) && number >= 1, created.text);
    const byNumber202 = [];
    for (const scheduleId of [number, String(number), id]) {
      const res = await http('POST', `${stack.baseUrl}/api/backup/trigger`, { token: TRIGGER_KEY, body: { type: 'database', scheduleId } });
      assert.equal(res.status, 202, res.text);
      assert.equal((await stack.runtime.executions.findById(res.body.executionId))?.scheduleId, id, 'the job carries the UUID');
      byNumber202.push(res.body);
    }
    assert.deepEqual(
      byNumber202.map((b) => [b.executionId, b.deduplicated]),
      [
        [byNumber202[0].executionId, false],
        [byNumber202[0].executionId, true],
        [byNumber202[0].executionId, true],
      ],
      'number and UUID name the same schedule slot',
    );
    const byNumber = await http('GET', `${stack.baseUrl}/api/schedules/${number}`, { token: ADMIN_KEY });
    assert.equal(byNumber.body.id, id);
    const patched = await http('PATCH', `${stack.baseUrl}/api/schedules/${number}`, { token: ADMIN_KEY, body: { keepDaily: 3 } });
    assert.equal(patched.body.keepDaily, 3);
    assert.equal((await http('GET', `${stack.baseUrl}/api/schedules/${number}/retention-preview`, { token: ADMIN_KEY })).status, 200);
    const runs = await http('GET', `${stack.baseUrl}/api/executions?scheduleId=${number}`, { token: ADMIN_KEY });
    assert.equal(runs.body.total, 1, runs.text);
    assert.equal((await http('GET', `${stack.baseUrl}/api/schedules/99999`, { token: ADMIN_KEY })).status, 404);
    const unknown = await http('POST', `${stack.baseUrl}/api/backup/trigger`, { token: TRIGGER_KEY, body: { type: 'database', scheduleId: 99999 } });
    assert.equal(unknown.body.error.code, 'SCHEDULE_NOT_FOUND');
    assert.equal((await http('DELETE', `${stack.baseUrl}/api/schedules/${number}`, { token: ADMIN_KEY })).status, 200);
    const next = await http('POST', `${stack.baseUrl}/api/schedules`, {
      token: ADMIN_KEY,
      body: { name: 'numbered-again', type: 'database', cronExpression: '0 5 * * *' },
    });
    assert.ok(next.body.number > number, 'a number is never reused');
  });
});
