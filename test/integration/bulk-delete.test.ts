import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backup } from '../../shared/catalog/entities';
import { runCli } from '../helpers/cli';
import { takeBackup } from '../helpers/flows';
import { http } from '../helpers/http';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('bulk delete (API and CLI)', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let replicaDir: string;
  const api = (body: unknown) => http('POST', `${stack.baseUrl}/api/backups/bulk-delete`, { token: ADMIN_KEY, body });
  const files = async (dir: string) => (await readdir(dir)).filter((f) => f.startsWith('kanbu_')).sort();

  before(async () => {
    const source = await createKanbuDatabase(50);
    replicaDir = await mkdtemp(join(tmpdir(), 'kbt-bulk-replica-'));
    stack = await startStack({
      env: { DATABASE_URL: source.url, BACKUP_REPLICAS: 'local:second', BACKUP_LOCAL_SECOND_PATH: replicaDir },
      workerQueues: ['backup'],
    });
  });
  after(async () => {
    await stack?.close();
    await rm(replicaDir, { recursive: true, force: true });
  });

  it('refuses bad requests with 400 VALIDATION_FAILED, and needs the admin key', async () => {
    for (const body of [
      {},
      { ids: [] },
      { ids: 'x' },
      { ids: ['not-a-uuid'] },
      { ids: Array.from({ length: 101 }, () => UNKNOWN) },
      { ids: [UNKNOWN], x: 1 },
    ]) {
      const res = await api(body);
      assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 60)}: ${res.text}`);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
    const anonymous = await http('POST', `${stack.baseUrl}/api/backups/bulk-delete`, { body: { ids: [UNKNOWN] } });
    assert.equal(anonymous.status, 401);
  });

  it('deletes every copy of each, refuses protected and unknown ones, and never the last usable backup', async () => {
    const taken: Backup[] = [];
    for (let i = 0; i < 4; i++) taken.push(await takeBackup(stack));
    const [a, b, c, d] = taken;
    assert.deepEqual(await files(replicaDir), taken.map((t) => t.filename).sort(), 'each backup has a replica copy');
    await stack.runtime.backups.update(a.id, { isProtected: true });

    // `a` is protected: it stays, so it still counts as a usable backup that remains.
    const first = await api({ ids: [b.id, UNKNOWN, a.id, c.id] });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(
      first.body.results.map((r: { id: string; status: string; code?: string }) => [r.id, r.status, r.code]),
      [
        [b.id, 'deleted', undefined],
        [UNKNOWN, 'refused', 'BACKUP_NOT_FOUND'],
        [a.id, 'refused', 'BACKUP_PROTECTED'],
        [c.id, 'deleted', undefined],
      ],
    );
    for (const dir of [stack.backupDir, replicaDir]) assert.deepEqual(await files(dir), [a.filename, d.filename].sort(), dir);
    assert.equal(await stack.runtime.backups.findById(b.id), null);

    // Unprotect `a`: now a and d are the last two usable ones; the set of both keeps the newest (d).
    await stack.runtime.backups.update(a.id, { isProtected: false });
    const second = await api({ ids: [a.id, d.id] });
    assert.deepEqual(
      second.body.results.map((r: { id: string; status: string; code?: string }) => [r.id, r.status, r.code]),
      [
        [a.id, 'deleted', undefined],
        [d.id, 'refused', 'LAST_BACKUP'],
      ],
    );
    assert.deepEqual(await files(stack.backupDir), [d.filename]);
    assert.deepEqual(await files(replicaDir), [d.filename]);
  });

  it('concurrent bulk deletes cannot together remove the last usable backup', async () => {
    await takeBackup(stack);
    await takeBackup(stack);
    const remaining = await stack.runtime.backups.countUsable('database');
    assert.equal(remaining, 3);
    const all = (await stack.runtime.backups.list({ page: 1, pageSize: 10, sort: 'createdAt', order: 'DESC' })).items.map((x) => x.id);
    // Each request alone would keep one; racing, each sees three usable and asks for a different two.
    const [one, two] = await Promise.all([api({ ids: [all[0], all[1]] }), api({ ids: [all[1], all[2]] })]);
    const outcomes = [...one.body.results, ...two.body.results];
    assert.equal(outcomes.length, 4, JSON.stringify(outcomes));
    assert.equal(await stack.runtime.backups.countUsable('database'), 1, JSON.stringify(outcomes));
    assert.ok(
      outcomes.some((r) => r.code === 'LAST_BACKUP'),
      JSON.stringify(outcomes),
    );
  });

  it('kanbu-backup delete ID… uses the same rules and exits 1 when any id is refused', async () => {
    const extra = await takeBackup(stack);
    const ok = await runCli(['delete', extra.id, '--json'], stack.env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout).results, [{ id: extra.id, status: 'deleted', filename: extra.filename }]);
    assert.equal(await stack.runtime.backups.findById(extra.id), null);

    const [last] = (await stack.runtime.backups.list({ page: 1, pageSize: 10, sort: 'createdAt', order: 'DESC' })).items;
    const refused = await runCli(['delete', UNKNOWN, last.id], stack.env);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, new RegExp(`^refused  ${UNKNOWN} BACKUP_NOT_FOUND: Backup not found`, 'm'));
    assert.match(refused.stdout, new RegExp(`^refused  ${last.id} LAST_BACKUP: This is the last completed database backup`, 'm'));
    assert.ok(await stack.runtime.backups.findById(last.id));
    const usage = await runCli(['delete', 'nope'], stack.env);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /"nope" is not a backup id/);
  });
});
