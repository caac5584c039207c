import assert from 'node:assert/strict';
import { auditRoute, auditTargets } from '../../services/api/middleware/audit-log';
import { keyFingerprint, sessionBinding } from '../../services/api/session/key-fingerprint';
import { isCrossOriginBrowserRequest, isSameOriginRequest } from '../../services/api/session/same-origin';
import { isOrigin, loadConfig, parseOriginList, parsePublicUrl, parseTrustProxy } from '../../shared/config';
import { compareEventIds } from '../../shared/queue/job-events';
import { BASE_ENV, configProblems } from '../helpers/config';

const ID = '0b7a4c1e-9f3d-4e2a-8b6c-1d2e3f4a5b6c';
const EXECUTION = '1c8b5d2f-0a4e-4f3b-9c7d-2e3f4a5b6c7d';

describe('browser access rules', () => {
  it('reads BACKUP_TRUST_PROXY as Express does, and refuses anything else', () => {
    assert.equal(parseTrustProxy('false'), false);
    assert.equal(parseTrustProxy('TRUE'), true);
    assert.equal(parseTrustProxy('2'), 2);
    assert.deepEqual(parseTrustProxy('loopback, 10.0.0.0/8,fd00::/8'), ['loopback', '10.0.0.0/8', 'fd00::/8']);
    for (const bad of ['yes please', '10.0.0.0/33', '10.0.0.1/8/2', 'example.com', '']) assert.equal(parseTrustProxy(bad), undefined, bad);
    assert.match(configProblems({ ...BASE_ENV, BACKUP_TRUST_PROXY: 'proxy.local' }), /BACKUP_TRUST_PROXY .*hops/);
  });

  it('takes origins and a public URL only in the form browsers use', () => {
    assert.ok(isOrigin('https://kanbu.example.com'));
    assert.ok(isOrigin('http://localhost:5173'));
    for (const bad of ['https://kanbu.example.com/', 'https://kanbu.example.com/app', 'ftp://x.example', 'kanbu.example.com']) assert.ok(!isOrigin(bad), bad);
    assert.deepEqual(parseOriginList(' https://a.example , https://b.example/ '), ['https://a.example', 'https://b.example']);
    assert.match(configProblems({ ...BASE_ENV, BACKUP_CORS_ORIGINS: 'https://a.example/path' }), /BACKUP_CORS_ORIGINS/);

    assert.deepEqual(parsePublicUrl('https://ops.example.com/kanbu-backup/'), { origin: 'https://ops.example.com', secure: true, basePath: '/kanbu-backup' });
    assert.deepEqual(parsePublicUrl('http://10.0.0.5:3000'), { origin: 'http://10.0.0.5:3000', secure: false, basePath: '' });
    for (const bad of ['https://u:p@x.example', 'https://x.example/?a=1', 'file:///x']) assert.equal(parsePublicUrl(bad), undefined, bad);
    assert.match(configProblems({ ...BASE_ENV, BACKUP_PUBLIC_URL: 'https://x.example/#top' }), /BACKUP_PUBLIC_URL/);
  });

  it('takes fractional session hours, so tests can expire sessions in seconds', () => {
    assert.equal(loadConfig({ ...BASE_ENV, BACKUP_SESSION_TTL_HOURS: '0.5' }).BACKUP_SESSION_TTL_HOURS, 0.5);
    assert.equal(loadConfig(BASE_ENV).BACKUP_SESSION_TTL_HOURS, 12);
    assert.match(configProblems({ ...BASE_ENV, BACKUP_SESSION_TTL_HOURS: 'a day' }), /BACKUP_SESSION_TTL_HOURS/);
    assert.match(configProblems({ ...BASE_ENV, BACKUP_SESSION_TTL_HOURS: '0' }), /BACKUP_SESSION_TTL_HOURS/);
  });

  it('accepts a cookie-authenticated unsafe request only with our Origin, or Sec-Fetch-Site same-origin without one', () => {
    const ours = 'https://backup.example.com';
    assert.ok(isSameOriginRequest({ origin: ours }, ours));
    assert.ok(isSameOriginRequest({ 'sec-fetch-site': 'same-origin' }, ours));
    assert.ok(!isSameOriginRequest({ origin: 'https://evil.example' }, ours));
    assert.ok(!isSameOriginRequest({ origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }, ours), 'Origin decides');
    assert.ok(!isSameOriginRequest({ origin: 'null' }, ours));
    assert.ok(!isSameOriginRequest({ 'sec-fetch-site': 'same-site' }, ours));
    assert.ok(!isSameOriginRequest({}, ours), 'no evidence is no');

    assert.ok(!isCrossOriginBrowserRequest({}, ours), 'curl sends neither header');
    assert.ok(!isCrossOriginBrowserRequest({ 'sec-fetch-site': 'none' }, ours), 'typed into the address bar');
    assert.ok(isCrossOriginBrowserRequest({ 'sec-fetch-site': 'cross-site' }, ours));
    assert.ok(isCrossOriginBrowserRequest({ origin: 'https://evil.example' }, ours));
  });

  it('fingerprints keys without revealing them, and binds sessions to the key', () => {
    const key = 'the-admin-key-0123456789abcdef';
    assert.match(keyFingerprint(key), /^[0-9a-f]{12}$/);
    assert.equal(keyFingerprint(key), keyFingerprint(key));
    assert.notEqual(keyFingerprint(key), keyFingerprint(`${key}x`));
    assert.ok(!sessionBinding(key, 'token').equals(sessionBinding('another-admin-key-0123456789', 'token')));
    assert.ok(!sessionBinding(key, 'token').equals(sessionBinding(key, 'other token')));
  });

  it('names audit targets from the path and the answer, and the route with ids replaced', () => {
    assert.deepEqual(auditTargets(`/api/backups/${ID}/restore/confirm`, { executionId: EXECUTION, jobId: EXECUTION }), [ID, EXECUTION]);
    assert.deepEqual(auditTargets(`/api/backups/${ID.toUpperCase()}`, { deleted: ID }), [ID]);
    assert.deepEqual(auditTargets('/api/schedules', { id: EXECUTION, name: 'nightly' }), [EXECUTION]);
    assert.deepEqual(auditTargets('/api/session', { id: 'a1b2c3d4e5f6' }), [], 'a session id is the actor, not a target');
    assert.equal(auditRoute(`/api/backups/${ID}/restore`), '/api/backups/:id/restore');
  });

  it('orders event ids as Redis stream ids', () => {
    assert.equal(compareEventIds('1765200000000-0', '1765200000000-1'), -1);
    assert.equal(compareEventIds('1765200000001-0', '1765200000000-9'), 1);
    assert.equal(compareEventIds('99-2', '99-2'), 0);
    assert.equal(compareEventIds('9-0', '10-0'), -1, 'numerically, not as strings');
  });
});
