import assert from 'node:assert/strict';
import { signIn } from '../helpers/browser';
import { cspAllows, cspAllowsInline, parseCsp } from '../helpers/csp';
import { http } from '../helpers/http';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';

const KANBU = 'https://kanbu.example.test';

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag)?.[1];
}

/**
 * Loads an HTML page the way a browser would start to: every <script> and stylesheet it
 * names, through the page's <base>, checked against the page's own CSP and fetched.
 * Returns what the policy blocks on purpose (e.g. a CDN font stylesheet).
 */
async function loadPageUnderCsp(pageUrl: string, headers: Record<string, string>): Promise<{ html: string; blocked: string[]; loaded: string[] }> {
  const page = await fetch(pageUrl, { headers });
  assert.equal(page.status, 200, `${pageUrl}: ${page.status}`);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  const policy = parseCsp(page.headers.get('content-security-policy') ?? '');
  assert.deepEqual(policy['script-src'], ["'self'"], 'scripts from our origin only: no inline script, no eval');
  const html = await page.text();
  const base = new URL(attribute(/<base[^>]*>/i.exec(html)?.[0] ?? '', 'href') ?? pageUrl, pageUrl).href;
  const blocked: string[] = [];
  const loaded: string[] = [];

  for (const [, tag, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const src = attribute(` ${tag}`, 'src');
    if (src === undefined) {
      // An inline block runs only as data (JSON); an inline script would need 'unsafe-inline'.
      assert.equal(attribute(` ${tag}`, 'type'), 'application/json', `inline script would be blocked: ${tag} ${body.slice(0, 80)}`);
      JSON.parse(body);
      continue;
    }
    const url = new URL(src, base).href;
    assert.ok(cspAllows(policy, 'script-src', pageUrl, url), `script-src blocks ${url}`);
    const res = await fetch(url, { headers });
    assert.equal(res.status, 200, `${url}: ${res.status}`);
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
    loaded.push(url);
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const href = attribute(tag, 'href');
    if (!href) continue;
    const url = new URL(href, base).href;
    const directive = attribute(tag, 'rel') === 'stylesheet' ? 'style-src' : 'img-src';
    if (!cspAllows(policy, directive, pageUrl, url)) {
      blocked.push(url);
      continue;
    }
    const res = await fetch(url, { headers });
    assert.equal(res.status, 200, `${url}: ${res.status}`);
    loaded.push(url);
  }
  if (/\sstyle="/.test(html) || /<style[\s>]/.test(html)) assert.ok(cspAllowsInline(policy, 'style-src'), 'the page has inline styles');
  return { html, blocked, loaded };
}

describe('browser security: CORS, CSP and Bull Board (real HTTP server)', function () {
  this.timeout(60_000);
  let stack: TestStack;

  before(async () => {
    stack = await startStack({ env: { BACKUP_CORS_ORIGINS: `${KANBU},https://other.example.test` } });
  });
  after(async () => stack?.close());

  it('lets a listed origin call the API with a Bearer header: preflight allowed, never credentials', async () => {
    const preflight = await http('OPTIONS', `${stack.baseUrl}/api/backups`, {
      headers: { origin: KANBU, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), KANBU);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.equal(preflight.headers.get('access-control-allow-credentials'), null);

    const call = await http('GET', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, headers: { origin: KANBU } });
    assert.equal(call.status, 200);
    assert.equal(call.headers.get('access-control-allow-origin'), KANBU);
    assert.equal(call.headers.get('access-control-allow-credentials'), null);
    assert.match(call.headers.get('access-control-expose-headers') ?? '', /Content-Disposition/);
    assert.match(call.headers.get('vary') ?? '', /Origin/);
  });

  it('gives an unlisted origin no CORS headers at all, on preflights and on calls', async () => {
    const preflight = await http('OPTIONS', `${stack.baseUrl}/api/backups`, {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization' },
    });
    const call = await http('GET', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, headers: { origin: 'https://evil.example' } });
    assert.equal(call.status, 200, 'a script without a browser is not CORS business');
    for (const res of [preflight, call]) {
      const cors = [...res.headers.keys()].filter((h) => h.startsWith('access-control-'));
      assert.deepEqual(cors, [], `no CORS headers: ${cors.join(', ')}`);
    }
    assert.notEqual(preflight.status, 204, 'the preflight is not approved');
  });

  it('serves Bull Board to a signed-in browser; its page and assets load under the CSP', async () => {
    assert.equal((await http('GET', `${stack.baseUrl}/admin/queues`)).status, 401);
    const { cookie } = await signIn(stack.baseUrl, ADMIN_KEY);
    const { html, blocked, loaded } = await loadPageUnderCsp(`${stack.baseUrl}/admin/queues`, { cookie });
    assert.match(html, /id="__UI_CONFIG__"/, 'the JSON configuration block is there');
    assert.ok(loaded.filter((u) => u.endsWith('.js')).length >= 1, `scripts loaded: ${loaded.join(', ')}`);
    assert.ok(
      loaded.some((u) => u.endsWith('.css')),
      'its stylesheet loaded',
    );
    assert.ok(
      blocked.every((u) => !u.startsWith(stack.baseUrl)),
      `only off-site resources (a CDN font) are blocked: ${blocked.join(', ')}`,
    );
    const queues = await http('GET', `${stack.baseUrl}/admin/queues/api/queues?activeQueue=backup&page=1`, { headers: { cookie } });
    assert.equal(queues.status, 200, queues.text);
    assert.ok(queues.body.queues.some((q: { name: string }) => q.name === 'backup'));
    const basic = await http('GET', `${stack.baseUrl}/admin/queues`, {
      headers: { authorization: `Basic ${Buffer.from(`ops:${ADMIN_KEY}`).toString('base64')}` },
    });
    assert.equal(basic.status, 200, 'Basic still works');
  });

  it('serves the interactive API docs under the same CSP: every script and stylesheet from our origin', async () => {
    const { blocked, loaded } = await loadPageUnderCsp(`${stack.baseUrl}/api/docs/`, {});
    assert.deepEqual(blocked, []);
    assert.ok(loaded.some((u) => u.endsWith('swagger-ui-bundle.js')) && loaded.some((u) => u.endsWith('init.js')), loaded.join(', '));
  });
});
