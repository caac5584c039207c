import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackupStatus } from '../../shared/domain/types';
import { executionIds, newExecutionFinished } from '../helpers/executions';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { http } from '../helpers/http';
import { ADMIN_KEY, startStack, TestStack, TRIGGER_KEY } from '../../scripts/lib/stack';

const DAY = 86_400_000;

describe('retention after each backup, its preview, and protecting backups', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let scheduleId: string;
  const ids: Record<string, string> = {};
  const api = (method: string, path: string, body?: unknown) => http(method, `${stack.baseUrl}${path}`, { token: ADMIN_KEY, body });

  /** A catalog row (with its file, unless failed without leftovers) created `daysAgo` days ago. */
  async function seed(
    name: string,
    daysAgo: number,
    options: { status?: BackupStatus; scheduleId?: string | null; file?: boolean; protectedUntil?: Date } = {},
  ) {
    const filename = `kanbu_backup_seed-${name}.sql.gz`;
    const backup = await stack.runtime.backups.createRunning({
      type: 'database',
      filename,
      compression: 'gzip',
      encrypted: false,
      storage: 'local',
      trigger: 'schedule',
      scheduleId: options.scheduleId === undefined ? scheduleId : options.scheduleId,
      protectedUntil: options.protectedUntil ?? null,
    });
    const status = options.status ?? 'completed';
    if (status === 'failed') await stack.runtime.backups.markFailed(backup.id, 'pg_dump exited with code 1', 10);
    else await stack.runtime.backups.markCompleted(backup.id, { status: 'completed', sizeBytes: 4, sourceBytes: 4, checksum: 'a'.repeat(64), durationMs: 1 });
    await stack.runtime.dataSource.query(`UPDATE backup SET created_at = now() - make_interval(days => $2) WHERE id = $1`, [backup.id, daysAgo]);
    if (options.file ?? true) await writeFile(join(stack.backupDir, filename), 'dump');
    ids[name] = backup.id;
    return backup.id;
  }

  const files = async () => (await readdir(stack.backupDir)).sort();
  const exists = async (name: string) => (await stack.runtime.backups.findById(ids[name])) !== null;

  before(async () => {
    const source = await createKanbuDatabase(100);
    stack = await startStack({
      env: { BACKUP_SCHEDULER_MODE: 'both', DATABASE_URL: source.url, BACKUP_RETENTION_DAYS: '60' },
      workerQueues: ['backup', 'prune'],
    });
    const created = await api('POST', '/api/schedules', { name: 'daily', type: 'database', cronExpression: '0 3 * * *', retentionDays: 7 });
    assert.equal(created.status, 201, created.text);
    scheduleId = created.body.id;

    await seed('recent', 3);
    await seed('expired', 20);
    await seed('protected', 40);
    await seed('pre-restore', 30, { protectedUntil: new Date(Date.now() + DAY) });
    await seed('failed-old', 10, { status: 'failed' });
    await seed('failed-recent', 2, { status: 'failed' });
    await seed('unscheduled-old', 100, { scheduleId: null });
    await seed('unscheduled-recent', 5, { scheduleId: null });
    // A write a killed worker left 7 hours ago, and one in progress now.
    await writeFile(join(stack.backupDir, '.partial-dead00-kanbu_backup_x.sql.gz'), 'half');
    await utimes(join(stack.backupDir, '.partial-dead00-kanbu_backup_x.sql.gz'), new Date(Date.now() - 7 * 3600_000), new Date(Date.now() - 7 * 3600_000));
    await writeFile(join(stack.backupDir, '.partial-live00-kanbu_backup_y.sql.gz'), 'half');
  });
  after(() => stack?.close());

  it('PATCH /api/backups/:id protects a backup, and refuses bad input', async () => {
    const res = await api('PATCH', `/api/backups/${ids.protected}`, { protected: true });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.protected, true);
    assert.equal((await stack.runtime.backups.findById(ids.protected))?.isProtected, true);
    for (const body of [{}, { protected: 'yes' }, { protected: true, protectedUntil: '2030-01-01' }]) {
      const bad = await api('PATCH', `/api/backups/${ids.protected}`, body);
      assert.equal(bad.status, 400, JSON.stringify(body));
      assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    }
    assert.equal((await api('PATCH', '/api/backups/00000000-0000-4000-8000-000000000000', { protected: true })).status, 404);
    const deleteProtected = await api('DELETE', `/api/backups/${ids.protected}`);
    assert.equal(deleteProtected.body.error.code, 'BACKUP_PROTECTED');
  });

  it('the preview lists what would be deleted now, and why each backup is kept', async () => {
    const res = await api('GET', `/api/schedules/${scheduleId}/retention-preview`);
    assert.equal(res.status, 200, res.text);
    type Decision = { id: string; reason?: string; reasons: { rule: string }[]; explanation: string };
    const byId = (list: Decision[]) => Object.fromEntries(list.map((item) => [item.id, item]));
    assert.deepEqual(res.body.policy, { retentionDays: 7, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 });
    assert.equal(res.body.timezone, 'UTC');
    assert.deepEqual(res.body.summary, { keep: 3, delete: 2, clean: 1 });
    const deleted = byId(res.body.delete);
    assert.deepEqual(Object.keys(deleted).sort(), [ids.expired, ids['failed-old']].sort());
    assert.equal(deleted[ids.expired].reason, 'expired');
    assert.match(deleted[ids.expired].explanation, /^older than retentionDays \(7\): taken before /);
    assert.deepEqual(res.body.warnings, []);
    assert.equal(deleted[ids['failed-old']].reason, 'failed');
    const kept = byId(res.body.keep);
    assert.deepEqual(
      kept[ids.recent].reasons.map((r: { rule: string }) => r.rule),
      ['newest', 'retention'],
    );
    assert.deepEqual(kept[ids.protected].reasons, [{ rule: 'protected' }]);
    assert.equal(kept[ids['pre-restore']].reasons[0].rule, 'protected_until');
    assert.equal(res.body.clean[0].id, ids['failed-recent']);
    assert.equal(kept[ids['unscheduled-old']], undefined, 'backups of other schedules are not in the preview');
    assert.ok(await exists('expired'), 'a preview deletes nothing');
    assert.equal((await api('GET', '/api/schedules/00000000-0000-4000-8000-000000000000/retention-preview')).status, 404);
  });

  it('after a backup of the schedule, prune applies its policy through storage and catalog', async () => {
    const known = await executionIds(stack.runtime, 'prune');
    const trigger = await http('POST', `${stack.baseUrl}/api/backup/trigger`, { token: TRIGGER_KEY, body: { type: 'database', scheduleId } });
    assert.equal(trigger.status, 202, trigger.text);
    const prune = await newExecutionFinished(stack.runtime, 'prune', known, (e) => e.scheduleId === scheduleId);
    assert.equal(prune.status, 'completed', prune.error ?? '');
    assert.equal(prune.trigger, 'system');
    assert.deepEqual((prune.details?.deleted as string[]).sort(), ['kanbu_backup_seed-expired.sql.gz', 'kanbu_backup_seed-failed-old.sql.gz']);

    assert.equal(await exists('expired'), false);
    assert.equal(await exists('failed-old'), false);
    assert.equal(await exists('failed-recent'), true, 'a recent failure stays in the history');
    for (const kept of ['recent', 'protected', 'pre-restore', 'unscheduled-old', 'unscheduled-recent']) assert.ok(await exists(kept), kept);

    const newest = (await stack.runtime.executions.findById(trigger.body.executionId))!;
    const newestFile = (await stack.runtime.backups.findById(newest.backupId!))!.filename;
    assert.deepEqual(
      await files(),
      [
        '.partial-live00-kanbu_backup_y.sql.gz',
        newestFile,
        'kanbu_backup_seed-pre-restore.sql.gz',
        'kanbu_backup_seed-protected.sql.gz',
        'kanbu_backup_seed-recent.sql.gz',
        'kanbu_backup_seed-unscheduled-old.sql.gz',
        'kanbu_backup_seed-unscheduled-recent.sql.gz',
      ].sort(),
      'expired and failed files, and the stale partial write, are gone; the live write is untouched',
    );
  });

  it('backups without a schedule follow BACKUP_RETENTION_DAYS', async () => {
    await api('PATCH', `/api/backups/${ids.protected}`, { protected: false });
    const known = await executionIds(stack.runtime, 'prune');
    const accepted = await api('POST', '/api/backups', { type: 'database' });
    assert.equal(accepted.status, 202);
    const prune = await newExecutionFinished(stack.runtime, 'prune', known, (e) => e.scheduleId === null);
    assert.equal(prune.status, 'completed', prune.error ?? '');
    assert.equal(await exists('unscheduled-old'), false, '100 days > 60');
    assert.equal(await exists('unscheduled-recent'), true);
    assert.equal(await exists('protected'), true, "the schedule's backups are not touched by the default policy");
  });
});

describe('retention with a replica', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let replicaDir: string;

  before(async () => {
    const source = await createKanbuDatabase(50);
    replicaDir = await mkdtemp(join(tmpdir(), 'kbt-replica-'));
    stack = await startStack({
      env: { DATABASE_URL: source.url, BACKUP_RETENTION_DAYS: '5', BACKUP_REPLICAS: 'local:second', BACKUP_LOCAL_SECOND_PATH: replicaDir },
      workerQueues: ['backup', 'prune'],
    });
  });
  after(async () => {
    await stack?.close();
    await rm(replicaDir, { recursive: true, force: true });
  });

  async function backupAndPrune() {
    const known = await executionIds(stack.runtime, 'prune');
    const accepted = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
    assert.equal(accepted.status, 202);
    const prune = await newExecutionFinished(stack.runtime, 'prune', known);
    assert.equal(prune.status, 'completed', prune.error ?? '');
    return (await stack.runtime.executions.findById(accepted.body.executionId))!.backupId!;
  }

  it('deletes an expired backup from every target, not only the primary', async () => {
    const old = await backupAndPrune();
    const oldFile = (await stack.runtime.backups.findById(old))!.filename;
    assert.deepEqual(await readdir(replicaDir), [oldFile]);
    await stack.runtime.dataSource.query(`UPDATE backup SET created_at = now() - interval '10 days' WHERE id = $1`, [old]);
    const fresh = await backupAndPrune();
    const freshFile = (await stack.runtime.backups.findById(fresh))!.filename;
    assert.equal(await stack.runtime.backups.findById(old), null);
    assert.deepEqual(await readdir(replicaDir), [freshFile]);
    assert.deepEqual(await readdir(stack.backupDir), [freshFile]);
  });
});
