import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../services/api/app';
import { loadConfig } from '../../shared/config';
import { redisReady } from '../../shared/queue/redis-connection';
import { createRuntime, Runtime } from '../../shared/runtime/runtime';
import { asBrowser, signIn } from '../helpers/browser';
import { http } from '../helpers/http';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

function cookieAttributes(setCookie: string): Record<string, string | true> {
  const [, ...attributes] = setCookie.split(';').map((s) => s.trim());
  return Object.fromEntries(attributes.map((a) => [a.split('=')[0].toLowerCase(), a.includes('=') ? a.slice(a.indexOf('=') + 1) : true]));
}

describe('browser sessions (real HTTP server, real Redis)', function () {
  this.timeout(60_000);
  let stack: TestStack;

  before(async () => {
    stack = await startStack({ env: { BACKUP_SESSION_TTL_HOURS: '1' } });
  });
  after(async () => stack?.close());

  it('signs in with the admin key: an httpOnly, SameSite=Strict cookie (not Secure over plain HTTP) that authenticates admin routes', async () => {
    const { setCookie, cookie, sessionId, res } = await signIn(stack.baseUrl, ADMIN_KEY);
    assert.match(sessionId, /^[0-9a-f]{12}$/);
    assert.ok(Date.parse(res.body.expiresAt) - Date.now() > 3_500_000, 'expires after about the configured hour');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.ok(!res.text.includes(cookie.split('=')[1]), 'the token is only in the cookie');
    const attributes = cookieAttributes(setCookie);
    assert.equal(attributes.httponly, true);
    assert.equal(attributes.samesite, 'Strict');
    assert.equal(attributes.path, '/');
    assert.equal(attributes.secure, undefined);
    assert.ok(Number(attributes['max-age']) > 3500);

    const list = await http('GET', `${stack.baseUrl}/api/backups`, { headers: { cookie } });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.total, 0);
    const me = await http('GET', `${stack.baseUrl}/api/session`, { headers: { cookie } });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, sessionId);
    const stored = await stack.runtime.redis.keys(`${stack.config.BACKUP_QUEUE_PREFIX}:session:*`);
    for (const key of stored) assert.ok(!(await stack.runtime.redis.get(key))!.includes(ADMIN_KEY), 'the key is never stored');
  });

  it('refuses a wrong key, and a session without its cookie', async () => {
    const wrong = await http('POST', `${stack.baseUrl}/api/session`, { body: { key: 'not-the-admin-key-at-all' } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'UNAUTHORIZED');
    assert.deepEqual(wrong.headers.getSetCookie(), []);
    const bad = await http('POST', `${stack.baseUrl}/api/session`, { body: { password: ADMIN_KEY } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    const forged = await http('GET', `${stack.baseUrl}/api/backups`, {
      headers: { cookie: 'kanbu_backup_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    });
    assert.equal(forged.status, 401);
    assert.equal(forged.body.error.code, 'UNAUTHORIZED');
    const bearer = await http('GET', `${stack.baseUrl}/api/session`, { token: ADMIN_KEY });
    assert.equal(bearer.status, 404);
    assert.equal(bearer.body.error.code, 'SESSION_NOT_FOUND');
  });

  it('signs out: the cookie is cleared and the session is gone on the server too', async () => {
    const { cookie } = await signIn(stack.baseUrl, ADMIN_KEY);
    const out = await http('DELETE', `${stack.baseUrl}/api/session`, { headers: asBrowser(stack.baseUrl, cookie) });
    assert.equal(out.status, 204, out.text);
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith('kanbu_backup_session=;'));
    assert.ok(cleared, 'cookie cleared');
    assert.equal(cookieAttributes(cleared)['max-age'], '0');
    const after = await http('GET', `${stack.baseUrl}/api/backups`, { headers: { cookie } });
    assert.equal(after.status, 401, 'the old cookie no longer works');
  });

  it('refuses a cross-origin unsafe request with the cookie (CROSS_ORIGIN_REFUSED) and accepts the same request from our origin', async () => {
    const { cookie } = await signIn(stack.baseUrl, ADMIN_KEY);
    const url = `${stack.baseUrl}/api/backups`;
    const body = { type: 'database' };
    for (const headers of <Record<string, string>[]>[
      { cookie, origin: 'https://evil.example' },
      { cookie, origin: 'null' },
      { cookie, 'sec-fetch-site': 'cross-site' },
      { cookie, 'sec-fetch-site': 'same-site' },
      { cookie },
      { cookie, origin: stack.baseUrl.replace('127.0.0.1', 'localhost') },
    ]) {
      const res = await http('POST', url, { body, headers });
      assert.equal(res.status, 403, `${JSON.stringify(headers)}: ${res.text}`);
      assert.equal(res.body.error.code, 'CROSS_ORIGIN_REFUSED');
    }
    assert.equal((await stack.runtime.executions.list({ page: 1, pageSize: 10 })).total, 0, 'nothing was queued');

    const sameOrigin = await http('POST', url, { body, headers: { cookie, origin: new URL(stack.baseUrl).origin } });
    assert.equal(sameOrigin.status, 202, sameOrigin.text);
    const fetchMetadata = await http('POST', url, { body, headers: { cookie, 'sec-fetch-site': 'same-origin' } });
    assert.equal(fetchMetadata.status, 202, fetchMetadata.text);
    // Reads need no origin check: a cross-site page cannot read the answer without CORS.
    assert.equal((await http('GET', url, { headers: { cookie, origin: 'https://evil.example' } })).status, 200);
    // Scripts: the Bearer key needs no origin at all.
    assert.equal((await http('POST', url, { body, token: ADMIN_KEY, headers: { origin: 'https://elsewhere.example' } })).status, 202);
  });

  it('never takes a key from the query string, and a wrong Bearer is refused even with a valid cookie', async () => {
    for (const name of ['access_token', 'key', 'token', 'api_key']) {
      const res = await http('GET', `${stack.baseUrl}/api/backups?${name}=${ADMIN_KEY}`);
      assert.equal(res.status, 401, name);
      assert.equal(res.body.error.code, 'UNAUTHORIZED');
      assert.match(res.body.error.message, /never accepted in the URL/);
      assert.ok(!res.text.includes(ADMIN_KEY));
    }
    const { cookie } = await signIn(stack.baseUrl, ADMIN_KEY);
    const mixed = await http('GET', `${stack.baseUrl}/api/backups`, { token: 'wrong-key-0123456789abcdef', headers: { cookie } });
    assert.equal(mixed.status, 401);
  });

  it('refuses a sign-in posted from another site (a session is same-origin only)', async () => {
    const res = await http('POST', `${stack.baseUrl}/api/session`, { body: { key: ADMIN_KEY }, headers: { origin: 'https://evil.example' } });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'CROSS_ORIGIN_REFUSED');
    assert.deepEqual(res.headers.getSetCookie(), []);
  });

  it('sends security headers with a script policy of our own origin only', async () => {
    const res = await http('GET', `${stack.baseUrl}/healthz`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /upgrade-insecure-requests/, 'a plain-HTTP installation keeps its assets');
  });
});

describe('browser sessions: expiry, key change, HTTPS, rate limit', function () {
  this.timeout(60_000);
  const stacks: TestStack[] = [];
  const extra: { server: Server; runtime: Runtime }[] = [];
  after(async () => {
    for (const { server, runtime } of extra) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await runtime.close();
    }
    for (const s of stacks) await s.close();
  });

  async function stackWith(env: Record<string, string>): Promise<TestStack> {
    const s = await startStack({ env });
    stacks.push(s);
    return s;
  }

  it('expires after BACKUP_SESSION_TTL_HOURS (the Redis record too)', async () => {
    const s = await stackWith({ BACKUP_SESSION_TTL_HOURS: '0.0008' }); // 2.88 s
    const { cookie } = await signIn(s.baseUrl, ADMIN_KEY);
    const [key] = await s.runtime.redis.keys(`${s.config.BACKUP_QUEUE_PREFIX}:session:*`);
    const ttl = await s.runtime.redis.pttl(key);
    assert.ok(ttl > 0 && ttl <= 2880, `record expires with the session (${ttl} ms)`);
    assert.equal((await http('GET', `${s.baseUrl}/api/backups`, { headers: { cookie } })).status, 200);
    const refused = await waitFor(
      async () => {
        const res = await http('GET', `${s.baseUrl}/api/backups`, { headers: { cookie } });
        return res.status === 401 ? res : undefined;
      },
      'the session to expire',
      20_000,
      250,
    );
    assert.match(refused.body.error.message, /expired/);
    assert.equal(await s.runtime.redis.exists(key), 0);
  });

  it('dies when the admin key changes: the same Redis, an API restarted with another key', async () => {
    const s = await stackWith({});
    const { cookie } = await signIn(s.baseUrl, ADMIN_KEY);
    const otherKey = 'a-rotated-admin-key-0123456789';
    const runtime = await createRuntime(loadConfig({ ...s.env, BACKUP_ADMIN_API_KEY: otherKey }), 'api');
    const server: Server = await new Promise((resolve) => {
      const srv = createApp(runtime).listen(0, '127.0.0.1', () => resolve(srv));
    });
    extra.push({ server, runtime });
    await redisReady(runtime.redis, 10_000);
    const rotated = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const res = await http('GET', `${rotated}/api/backups`, { headers: { cookie } });
    assert.equal(res.status, 401, res.text);
    // and it is gone for good, even on an API that still has the old key
    assert.equal((await http('GET', `${s.baseUrl}/api/backups`, { headers: { cookie } })).status, 401);
    assert.equal((await http('GET', `${rotated}/api/backups`, { token: otherKey })).status, 200);
  });

  it('sets Secure and the base path from an HTTPS BACKUP_PUBLIC_URL, and expects its origin', async () => {
    const s = await stackWith({ BACKUP_PUBLIC_URL: 'https://backup.example.test/kanbu-backup' });
    const { setCookie, cookie } = await signIn(s.baseUrl, ADMIN_KEY, { origin: 'https://backup.example.test' });
    const attributes = cookieAttributes(setCookie);
    assert.equal(attributes.secure, true);
    assert.equal(attributes.path, '/kanbu-backup');
    const fromLocal = await http('POST', `${s.baseUrl}/api/backups`, { body: { type: 'database' }, headers: { cookie, origin: new URL(s.baseUrl).origin } });
    assert.equal(fromLocal.status, 403, 'the public origin, not the address the server happens to listen on');
    const fromPublic = await http('POST', `${s.baseUrl}/api/backups`, {
      body: { type: 'database' },
      headers: { cookie, origin: 'https://backup.example.test' },
    });
    assert.equal(fromPublic.status, 202, fromPublic.text);
    const headers = await http('GET', `${s.baseUrl}/healthz`);
    assert.match(headers.headers.get('strict-transport-security') ?? '', /max-age=31536000/);
  });

  it('limits failed sign-ins per client address (behind a trusted proxy), and a success does not count', async () => {
    const s = await stackWith({ BACKUP_SIGNIN_MAX_ATTEMPTS: '3', BACKUP_TRUST_PROXY: 'loopback' });
    const attempt = (client: string, key: string) => http('POST', `${s.baseUrl}/api/session`, { body: { key }, headers: { 'x-forwarded-for': client } });
    for (let i = 0; i < 4; i++) assert.equal((await attempt('203.0.113.9', ADMIN_KEY)).status, 201, 'successes do not count');
    for (let i = 0; i < 3; i++) assert.equal((await attempt('203.0.113.5', 'wrong-key-0123456789abcdef')).status, 401);
    const limited = await attempt('203.0.113.5', ADMIN_KEY);
    assert.equal(limited.status, 429, limited.text);
    assert.equal(limited.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(limited.headers.get('retry-after')) > 0, 'says when to come back');
    assert.deepEqual(limited.headers.getSetCookie(), [], 'not even the right key gets in while limited');
    assert.equal((await attempt('203.0.113.6', ADMIN_KEY)).status, 201, 'another client is not affected');
    // X-Forwarded-Proto from the trusted proxy: HTTPS detected, so the cookie is Secure
    const secure = await http('POST', `${s.baseUrl}/api/session`, {
      body: { key: ADMIN_KEY },
      headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' },
    });
    assert.equal(secure.status, 201);
    assert.equal(cookieAttributes(secure.headers.getSetCookie()[0]).secure, true);
  });
});
