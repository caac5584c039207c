import assert from 'node:assert/strict';
import type { ValidateFunction } from 'ajv';
import type { OpenApiDocument } from '../../services/api/registry/openapi-document';
import { ApiClient, createApiClient } from '../../services/web/client/api-client';
import { waitForExecution } from '../helpers/flows';
import { http, HttpResult } from '../helpers/http';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { documentAjv, responseSchema } from '../helpers/openapi';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';

/** Real responses of the main endpoints, checked against the schemas of the document the API serves. */
describe('API responses match the OpenAPI document', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let document: OpenApiDocument;
  let client: ApiClient;
  let ajv: ReturnType<typeof documentAjv>;
  let backupId: string;
  let scheduleId: string;
  const validators = new Map<string, ValidateFunction>();

  /** Asserts the response's status is documented for the operation and its body fits that status's schema. */
  function assertDocumented(path: string, method: string, res: { status: number; body: unknown }) {
    const key = `${method} ${path} ${res.status}`;
    if (!validators.has(key)) validators.set(key, ajv.compile(responseSchema(document, path, method, res.status) as object));
    const validate = validators.get(key)!;
    assert.equal(validate(res.body), true, `${key}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(res.body).slice(0, 2000)}`);
  }
  const get = (path: string) => http('GET', `${stack.baseUrl}${path}`, { token: ADMIN_KEY });

  before(async () => {
    const source = await createKanbuDatabase(50);
    stack = await startStack({ env: { DATABASE_URL: source.url, BACKUP_SCHEDULER_MODE: 'both' }, workerQueues: ['backup'] });
    const served = await http('GET', `${stack.baseUrl}/api/openapi.json`);
    assert.equal(served.status, 200, 'the document needs no key');
    document = served.body;
    ajv = documentAjv(document);
    client = createApiClient(stack.baseUrl, { token: ADMIN_KEY });
  });
  after(() => stack?.close());

  it('the generated client creates a schedule and runs it now (POST /api/schedules/:id/run: 202, via the queue)', async () => {
    const created = await client.POST('/api/schedules', { body: { name: 'nightly', type: 'database', cronExpression: '0 3 * * *' } });
    assert.equal(created.response.status, 201, JSON.stringify(created.error));
    scheduleId = created.data!.id;
    assertDocumented('/api/schedules', 'post', { status: 201, body: created.data });

    const run = await client.POST('/api/schedules/{id}/run', { params: { path: { id: scheduleId } } });
    assert.equal(run.response.status, 202, JSON.stringify(run.error));
    assertDocumented('/api/schedules/{id}/run', 'post', { status: 202, body: run.data });
    const execution = await waitForExecution(stack, run.data!.executionId);
    assert.equal(execution.status, 'completed', execution.error ?? '');
    assert.equal(execution.scheduleId, scheduleId, 'the run is filed under the schedule');
    backupId = execution.backupId!;
    const backup = await client.GET('/api/backups/{id}', { params: { path: { id: backupId } } });
    assert.equal(backup.data?.scheduleId, scheduleId);
    assert.equal(backup.data?.trigger, 'api');

    const missing = await client.POST('/api/schedules/{id}/run', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } });
    assert.equal(missing.response.status, 404);
    assert.equal(missing.error?.error.code, 'SCHEDULE_NOT_FOUND');
    await client.PATCH('/api/schedules/{id}', { params: { path: { id: scheduleId } }, body: { enabled: false } });
    const disabled = await client.POST('/api/schedules/{id}/run', { params: { path: { id: scheduleId } } });
    assert.equal(disabled.response.status, 409);
    assert.equal(disabled.error?.error.code, 'SCHEDULE_DISABLED');
    assertDocumented('/api/schedules/{id}/run', 'post', { status: 409, body: disabled.error });
    const anonymous = await createApiClient(stack.baseUrl).POST('/api/schedules/{id}/run', { params: { path: { id: scheduleId } } });
    assert.equal(anonymous.response.status, 401, 'run now needs the admin key');
  });

  it('lists and single resources: backups, schedules, executions, jobs, status, system, storage, notifications, health', async () => {
    const checks: [string, string][] = [
      ['/api/backups', '/api/backups'],
      [`/api/backups/${backupId}`, '/api/backups/{id}'],
      ['/api/backups/stats', '/api/backups/stats'],
      ['/api/schedules', '/api/schedules'],
      [`/api/schedules/${scheduleId}`, '/api/schedules/{id}'],
      [`/api/schedules/${scheduleId}/retention-preview`, '/api/schedules/{id}/retention-preview'],
      ['/api/executions', '/api/executions'],
      ['/api/status', '/api/status'],
      ['/api/system', '/api/system'],
      ['/api/storage', '/api/storage'],
      ['/api/notifications', '/api/notifications'],
      ['/api/notifications/deliveries', '/api/notifications/deliveries'],
      ['/api/health/backups', '/api/health/backups'],
      ['/healthz', '/healthz'],
      ['/readyz', '/readyz'],
    ];
    for (const [url, path] of checks) {
      const res = await get(url);
      assert.equal(res.status, 200, `${url}: ${res.text}`);
      assertDocumented(path, 'get', res);
    }
    const executions = await get('/api/executions');
    const job = await get(`/api/jobs/${executions.body.items[0].jobId}`);
    assert.equal(job.status, 200, job.text);
    assertDocumented('/api/jobs/{id}', 'get', job);
  });

  it('GET /api/schedules has the page envelope of the other lists', async () => {
    const res = await get('/api/schedules?page=1&pageSize=1');
    assert.deepEqual(Object.keys(res.body).sort(), ['items', 'page', 'pageSize', 'total']);
    assert.equal(res.body.pageSize, 1);
    assert.equal(res.body.items.length, 1);
    assertError(await get('/api/schedules?pageSize=0'), 400, 'VALIDATION_FAILED');
  });

  it('GET /api/system: storage per target, PostgreSQL mode and reachability, encryption, no secrets', async () => {
    const res = await get('/api/system');
    assert.equal(res.body.storage[0].name, 'local');
    assert.equal(res.body.storage[0].location, stack.backupDir);
    assert.equal(res.body.storage[0].reachable, true);
    assert.deepEqual(res.body.postgres, { mode: 'direct', reachable: true, error: null });
    assert.deepEqual(res.body.encryption, { enabled: false, keyId: null });
    assert.equal(res.text.includes(stack.config.DATABASE_URL!), false);
    assert.equal(res.text.includes(ADMIN_KEY), false);
  });

  it('error answers fit the documented error shape and codes: 400, 401, 404, 409', async () => {
    const cases: [HttpResult, string, string, number, string][] = [
      [await get('/api/backups/not-a-uuid'), '/api/backups/{id}', 'get', 400, 'VALIDATION_FAILED'],
      [await get('/api/backups/00000000-0000-4000-8000-000000000000'), '/api/backups/{id}', 'get', 404, 'BACKUP_NOT_FOUND'],
      [await http('GET', `${stack.baseUrl}/api/backups`), '/api/backups', 'get', 401, 'UNAUTHORIZED'],
      [await get('/api/backups?sort=nope'), '/api/backups', 'get', 400, 'VALIDATION_FAILED'],
      [await get('/api/jobs/bull:secret'), '/api/jobs/{id}', 'get', 400, 'VALIDATION_FAILED'],
      [await get('/api/executions/00000000-0000-4000-8000-000000000000'), '/api/executions/{id}', 'get', 404, 'EXECUTION_NOT_FOUND'],
      [
        await http('POST', `${stack.baseUrl}/api/schedules`, { token: ADMIN_KEY, body: { name: 'nightly', type: 'database', cronExpression: '0 4 * * *' } }),
        '/api/schedules',
        'post',
        409,
        'SCHEDULE_NAME_TAKEN',
      ],
      [await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, rawBody: '{"type":' }), '/api/backups', 'post', 400, 'INVALID_JSON'],
    ];
    for (const [res, path, method, status, code] of cases) {
      assertError(res, status, code);
      assertDocumented(path, method, res);
    }
  });

  it('DELETE answers one shape: what was deleted, and what the deletion touched', async () => {
    const removed = await http('DELETE', `${stack.baseUrl}/api/schedules/${scheduleId}`, { token: ADMIN_KEY });
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(removed.body, { resource: 'schedule', id: scheduleId, deleted: true, mirrorSynced: true });
    assertDocumented('/api/schedules/{id}', 'delete', removed);
    await http('PATCH', `${stack.baseUrl}/api/backups/${backupId}`, { token: ADMIN_KEY, body: { protected: true } });
    const refused = await http('DELETE', `${stack.baseUrl}/api/backups/${backupId}`, { token: ADMIN_KEY });
    assertError(refused, 409, 'BACKUP_PROTECTED');
    assertDocumented('/api/backups/{id}', 'delete', refused);
  });

  it('the interactive docs load with bundled assets only (no CDN)', async () => {
    const redirect = await fetch(`${stack.baseUrl}/api/docs`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), 'docs/');
    const page = await http('GET', `${stack.baseUrl}/api/docs/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.doesNotMatch(page.text, /https?:\/\//, 'nothing loaded from elsewhere');
    assert.doesNotMatch(page.text, /<script>/, 'no inline script (CSP script-src self)');
    for (const asset of ['assets/swagger-ui-bundle.js', 'assets/swagger-ui.css', 'init.js']) {
      const res = await fetch(`${stack.baseUrl}/api/docs/${asset}`);
      assert.equal(res.status, 200, asset);
      assert.ok((await res.arrayBuffer()).byteLength > 50, asset);
    }
    assert.equal((await fetch(`${stack.baseUrl}/api/docs/assets/index.html`)).status, 404, 'only the assets the page uses');
  });
});

function assertError(res: HttpResult, status: number, code: string) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body?.error?.code, code, res.text);
}
