import assert from 'node:assert/strict';
import { keyFingerprint } from '../../services/api/session/key-fingerprint';
import { enqueue } from '../../shared/queue/enqueue';
import { asBrowser, signIn } from '../helpers/browser';
import { takeBackup, waitForExecution } from '../helpers/flows';
import { http } from '../helpers/http';
import { assertFitsDocument } from '../helpers/openapi';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { databaseUrl, trackDatabase, withPg } from '../../scripts/lib/services';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

interface Entry {
  method: string;
  path: string;
  route: string;
  targetIds: string[];
  status: number;
  outcome: string;
  errorCode: string | null;
  clientAddress: string;
  actor: { kind: string; id: string } | null;
  occurredAt: string;
}

describe('audit log (real restore and delete through the API)', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let source: { name: string; url: string };

  before(async () => {
    source = await createKanbuDatabase(300);
    stack = await startStack({
      env: { DATABASE_URL: source.url, BACKUP_ENCRYPTION_KEY: 'audit test passphrase' },
      workerQueues: ['backup', 'restore', 'prune'],
    });
  });
  after(async () => {
    await stack?.close();
    const leftovers = await withPg(
      databaseUrl('postgres'),
      async (c) => (await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${source.name}%`])).rows,
    );
    for (const { datname } of leftovers) trackDatabase(datname);
  });

  async function audit(query = ''): Promise<{ items: Entry[]; total: number; page: number; pageSize: number }> {
    const res = await http('GET', `${stack.baseUrl}/api/audit${query}`, { token: ADMIN_KEY });
    assert.equal(res.status, 200, res.text);
    return res.body;
  }

  it('records who restored and who deleted which backup, with outcome, address and actor, never the key', async () => {
    const first = await takeBackup(stack);

    // A browser signs in and restores the first backup.
    const failedSignIn = await http('POST', `${stack.baseUrl}/api/session`, { body: { key: 'a-wrong-admin-key-0123456789' } });
    assert.equal(failedSignIn.status, 401);
    const { cookie, sessionId } = await signIn(stack.baseUrl, ADMIN_KEY);
    const browser = asBrowser(stack.baseUrl, cookie);
    const ask = await http('POST', `${stack.baseUrl}/api/backups/${first.id}/restore`, { body: {}, headers: browser });
    assert.equal(ask.status, 200, ask.text);
    const confirm = await http('POST', `${stack.baseUrl}/api/backups/${first.id}/restore/confirm`, {
      body: { token: ask.body.confirmation.token },
      headers: browser,
    });
    assert.equal(confirm.status, 202, confirm.text);
    const restore = await waitForExecution(stack, confirm.body.executionId, 120_000);
    assert.equal(restore.status, 'completed', restore.error ?? '');

    // A script deletes it with the key; someone without the key tries too.
    await takeBackup(stack);
    const refused = await http('DELETE', `${stack.baseUrl}/api/backups/${first.id}`, { token: 'not-the-admin-key-0123456789' });
    assert.equal(refused.status, 401);
    const deleted = await http('DELETE', `${stack.baseUrl}/api/backups/${first.id}`, { token: ADMIN_KEY });
    assert.equal(deleted.status, 200, deleted.text);

    const { items } = await waitFor(
      async () => {
        const page = await audit('?pageSize=50');
        return page.items.some((e) => e.method === 'DELETE' && e.status === 200) ? page : undefined;
      },
      'the audit entry of the delete',
      15_000,
    );
    assert.ok(
      items.every((e) => e.method !== 'GET'),
      'reads are not audited',
    );
    const fingerprint = keyFingerprint(ADMIN_KEY);
    const one = (pred: (e: Entry) => boolean, what: string) => {
      const found = items.filter(pred);
      assert.equal(found.length, 1, `${what}: ${JSON.stringify(items, null, 1)}`);
      return found[0];
    };

    const asked = one((e) => e.route === '/api/backups/:id/restore', 'restore request');
    assert.deepEqual(asked.actor, { kind: 'session', id: sessionId });
    assert.deepEqual(asked.targetIds, [first.id]);
    assert.equal(asked.status, 200);
    assert.match(asked.clientAddress, /127\.0\.0\.1$/);

    const confirmed = one((e) => e.route === '/api/backups/:id/restore/confirm', 'restore confirmation');
    assert.deepEqual(confirmed.actor, { kind: 'session', id: sessionId });
    assert.deepEqual(confirmed.targetIds.sort(), [first.id, confirm.body.executionId].sort());
    assert.equal(confirmed.status, 202);
    assert.equal(confirmed.outcome, 'success');

    const deletion = one((e) => e.method === 'DELETE' && e.status === 200, 'delete');
    assert.equal(deletion.route, '/api/backups/:id');
    assert.deepEqual(deletion.targetIds, [first.id]);
    assert.deepEqual(deletion.actor, { kind: 'key', id: fingerprint });

    const attempt = one((e) => e.method === 'DELETE' && e.status === 401, 'refused delete');
    assert.equal(attempt.actor, null);
    assert.equal(attempt.errorCode, 'UNAUTHORIZED');
    assert.equal(attempt.outcome, 'failure');

    const signIns = items.filter((e) => e.path === '/api/session');
    assert.deepEqual(signIns.map((e) => [e.status, e.actor?.id ?? null, e.errorCode]).sort(), [
      [201, sessionId, null],
      [401, null, 'UNAUTHORIZED'],
    ]);
    const backups = items.filter((e) => e.route === '/api/backups' && e.method === 'POST');
    assert.equal(backups.length, 2);
    assert.ok(backups.every((e) => e.actor?.id === fingerprint && e.targetIds.length === 1));

    const raw = await http('GET', `${stack.baseUrl}/api/audit?pageSize=200`, { token: ADMIN_KEY });
    assert.ok(!raw.text.includes(ADMIN_KEY) && !raw.text.includes(cookie.split('=')[1]), 'no key and no session token in the log');
    const rows = await stack.runtime.dataSource.query(`SELECT * FROM audit_entry`);
    assert.ok(!JSON.stringify(rows).includes(ADMIN_KEY));

    await assertFitsDocument(stack.baseUrl, '/api/audit', 'get', 200, raw.body);
    const me = await http('GET', `${stack.baseUrl}/api/session`, { headers: { cookie } });
    await assertFitsDocument(stack.baseUrl, '/api/session', 'get', 200, me.body);

    // Filters and paging, with the envelope of the other lists.
    const deletes = await audit('?method=DELETE');
    assert.deepEqual(
      deletes.items.map((e) => e.status),
      [200, 401],
      'newest first',
    );
    const ofBackup = await audit(`?target=${first.id}`);
    assert.deepEqual(ofBackup.items.map((e) => e.route).sort(), [
      '/api/backups/:id',
      '/api/backups/:id',
      '/api/backups/:id/restore',
      '/api/backups/:id/restore/confirm',
    ]);
    const bySession = await audit(`?actor=${sessionId}`);
    assert.equal(bySession.total, 3, 'sign-in, restore request, confirmation');
    const failures = await audit('?path=/api/session&outcome=failure');
    assert.equal(failures.total, 1);
    const paged = await audit('?pageSize=1&page=2');
    assert.equal(paged.items.length, 1);
    assert.equal(paged.page, 2);
    assert.equal(paged.pageSize, 1);
    assert.equal(paged.total, items.length);
    assert.equal((await audit(`?since=${new Date(Date.now() + 60_000).toISOString()}`)).total, 0);
    assert.equal((await audit(`?until=${new Date(Date.now() + 60_000).toISOString()}`)).total, items.length);
    const bad = await http('GET', `${stack.baseUrl}/api/audit?since=yesterday`, { token: ADMIN_KEY });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    assert.equal((await http('GET', `${stack.baseUrl}/api/audit`)).status, 401);
  });

  it('forgets entries older than BACKUP_AUDIT_DAYS after a prune, and keeps the rest', async () => {
    const entry = (daysAgo: number, path: string) =>
      stack.runtime.audit.record({
        occurredAt: new Date(Date.now() - daysAgo * 86_400_000),
        method: 'POST',
        path,
        route: path,
        targetIds: [],
        status: 202,
        errorCode: null,
        clientAddress: '192.0.2.1',
        actorKind: 'key',
        actorId: 'abcdefabcdef',
        durationMs: 1,
      });
    await entry(400, '/api/old');
    await entry(300, '/api/recent');
    const job = await enqueue(stack.runtime.enqueueDeps, 'prune', { type: 'database', trigger: 'system', scheduleId: null });
    const prune = await waitForExecution(stack, job.executionId);
    assert.equal(prune.status, 'completed', prune.error ?? '');
    assert.equal(prune.details?.auditEntriesRemoved, 1);
    assert.equal((await audit('?path=/api/old')).total, 0);
    assert.equal((await audit('?path=/api/recent')).total, 1);
  });
});
