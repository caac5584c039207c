import assert from 'node:assert/strict';
import { statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { enqueue } from '../../shared/queue/enqueue';
import { round1 } from '../../shared/util/format';
import { http } from '../helpers/http';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';

const METRICS_TOKEN = 'prometheus-scrape-token-0123456789';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('backup health report and Prometheus metrics', () => {
  let stack: TestStack;
  /** The fixtures' reference moment; the report is generated later, at its own `generatedAt`. */
  let now: number;
  const ids: Record<string, string> = {};

  before(async () => {
    stack = await startStack({ env: { BACKUP_METRICS_TOKEN: METRICS_TOKEN } });
    now = Date.now();
    const { backups, dataSource, executions } = stack.runtime;
    const seed = async (name: string, sizeBytes: number, at: number, status: 'completed' | 'failed' = 'completed') => {
      const filename = `kanbu_backup_health-${name}.sql.gz`;
      const b = await backups.createRunning({ type: 'database', filename, compression: 'gzip', encrypted: true, storage: 'local', trigger: 'schedule' });
      if (status === 'completed')
        await backups.markCompleted(b.id, { status, sizeBytes, sourceBytes: sizeBytes * 4, checksum: 'b'.repeat(64), durationMs: 2500 });
      else await backups.markFailed(b.id, 'pg_dump exited with code 1', 300);
      await dataSource.query(`UPDATE backup SET created_at = $2, completed_at = $2 WHERE id = $1`, [b.id, new Date(at)]);
      ids[name] = b.id;
    };
    await seed('oldest', 1000, now - 3 * DAY);
    await seed('middle', 2000, now - 2 * DAY);
    await seed('newest', 3000, now - DAY);
    await seed('broken', 0, now - DAY / 2, 'failed');
    await writeFile(join(stack.backupDir, 'kanbu_backup_health-newest.sql.gz'), Buffer.alloc(3000, 7));
    await dataSource.query(`UPDATE backup SET verification_status = 'verified', verified_at = $2 WHERE id = $1`, [ids.middle, new Date(now - DAY)]);
    await dataSource.query(`UPDATE backup SET verification_status = 'failed', verified_at = $2, verification_error = 'checksum mismatch' WHERE id = $1`, [
      ids.oldest,
      new Date(now - DAY),
    ]);

    const failedRun = async (kind: 'backup' | 'verify', finishedAt: number) => {
      const e = await executions.create({ kind, trigger: 'schedule', queue: kind });
      await executions.markFailed(e.id, `${kind} went wrong`, true);
      await dataSource.query(`UPDATE execution SET finished_at = $2 WHERE id = $1`, [e.id, new Date(finishedAt)]);
    };
    await failedRun('backup', now - DAY / 2);
    await failedRun('verify', now - 2 * DAY);
    await failedRun('backup', now - 8 * DAY); // outside the 7-day window
    await stack.runtime.alerts.open({
      key: 'size_change:database',
      kind: 'size_change',
      subject: 'database',
      message: 'The newest database backup is 90% smaller',
      details: {},
      activeSince: new Date(now - 3_600_000),
    });

    // Two jobs waiting (no worker consumes them here).
    await enqueue(stack.runtime.enqueueDeps, 'backup', { type: 'database', trigger: 'api' });
    await enqueue(stack.runtime.enqueueDeps, 'backup', { type: 'database', trigger: 'api' });
  });
  after(() => stack?.close());

  it('GET /api/health/backups needs the admin key (not the metrics token)', async () => {
    assert.equal((await http('GET', `${stack.baseUrl}/api/health/backups`)).status, 401);
    assert.equal((await http('GET', `${stack.baseUrl}/api/health/backups`, { token: METRICS_TOKEN })).status, 401);
  });

  it('reports last success, size trend, storage usage, failures, verification and open alerts', async () => {
    const res = await http('GET', `${stack.baseUrl}/api/health/backups`, { token: ADMIN_KEY });
    assert.equal(res.status, 200, res.text);
    const report = res.body;
    assert.equal(report.status, 'critical', 'an alert is open');
    assert.equal(report.lastSuccessful.database.filename, 'kanbu_backup_health-newest.sql.gz');
    assert.equal(report.lastSuccessful.database.sizeBytes, 3000);
    // The age is measured at the moment the report was generated, however long the run took to get here.
    const newestAgeHours = (Date.parse(report.generatedAt) - (now - DAY)) / HOUR;
    assert.ok(newestAgeHours >= 24, `${newestAgeHours} h`);
    assert.equal(report.lastSuccessful.database.ageHours, round1(newestAgeHours));
    assert.equal(report.lastSuccessful.source, null);
    assert.deepEqual(
      report.sizeTrend.database.map((b: { sizeBytes: number }) => b.sizeBytes),
      [1000, 2000, 3000],
      'oldest to newest',
    );
    assert.deepEqual(report.sizeTrend.source, []);

    assert.equal(report.storage.length, 1);
    const [local] = report.storage;
    assert.equal(local.target, 'local');
    assert.equal(local.location, stack.backupDir);
    assert.equal(local.objectCount, 1);
    assert.equal(local.usedBytes, 3000);
    assert.equal(local.error, null);
    const fs = await statfs(stack.backupDir);
    assert.equal(local.totalBytes, fs.blocks * fs.bsize);
    const expectedPercent = ((fs.blocks - fs.bavail) / fs.blocks) * 100;
    assert.ok(Math.abs(local.usedPercent - expectedPercent) < 1, `${local.usedPercent} vs ${expectedPercent}`);

    assert.equal(report.failures.windowDays, 7);
    assert.equal(report.failures.total, 2);
    assert.deepEqual(report.failures.byKind, { backup: 1, verify: 1 });
    assert.deepEqual(
      report.failures.recent.map((f: { kind: string; error: string }) => [f.kind, f.error]),
      [
        ['backup', 'backup went wrong'],
        ['verify', 'verify went wrong'],
      ],
    );

    assert.deepEqual(report.verification.counts, { verified: 1, failed: 1, pending: 1, no_checksum: 0 });
    assert.equal(report.verification.lastVerifiedAt, new Date(now - DAY).toISOString());
    assert.deepEqual(report.verification.lastFailure, {
      backupId: ids.oldest,
      filename: 'kanbu_backup_health-oldest.sql.gz',
      verifiedAt: new Date(now - DAY).toISOString(),
      error: 'checksum mismatch',
    });

    assert.deepEqual(
      report.alerts.map((a: { kind: string; subject: string; notified: boolean }) => [a.kind, a.subject, a.notified]),
      [['size_change', 'database', false]],
    );
  });

  it('GET /metrics: 401 without or with a wrong token; the metrics token and the admin key both work', async () => {
    assert.equal((await http('GET', `${stack.baseUrl}/metrics`)).status, 401);
    assert.equal((await http('GET', `${stack.baseUrl}/metrics`, { token: 'not-the-metrics-token-0123' })).status, 401);
    assert.equal((await http('GET', `${stack.baseUrl}/metrics`, { token: ADMIN_KEY })).status, 200);
    assert.equal((await http('GET', `${stack.baseUrl}/metrics`, { token: METRICS_TOKEN })).status, 200);
  });

  it('GET /metrics reports the catalog, queue depths and storage in the Prometheus text format', async () => {
    const res = await http('GET', `${stack.baseUrl}/metrics`, { token: METRICS_TOKEN });
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const lines = new Set(res.text.split('\n'));
    for (const expected of [
      'kanbu_backup_backups{type="database",status="completed"} 3',
      'kanbu_backup_backups{type="database",status="failed"} 1',
      `kanbu_backup_last_success_timestamp_seconds{type="database"} ${Math.floor((now - DAY) / 1000)}`,
      'kanbu_backup_last_success_size_bytes{type="database"} 3000',
      'kanbu_backup_last_success_duration_seconds{type="database"} 2.5',
      'kanbu_backup_stored_bytes{type="database"} 6000',
      'kanbu_backup_verification_backups{status="failed"} 1',
      'kanbu_backup_executions{kind="backup",status="failed"} 2',
      'kanbu_backup_executions{kind="backup",status="queued"} 2',
      'kanbu_backup_queue_up 1',
      'kanbu_backup_queue_jobs{queue="backup",state="waiting"} 2',
      'kanbu_backup_queue_jobs{queue="notify",state="waiting"} 0',
      'kanbu_backup_storage_up{target="local"} 1',
      'kanbu_backup_storage_backup_bytes{target="local"} 3000',
      'kanbu_backup_alerts_open{kind="size_change"} 1',
    ]) {
      assert.ok(lines.has(expected), `missing: ${expected}\n${res.text}`);
    }
  });
});

describe('GET /metrics while Redis is unreachable', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ env: { REDIS_URL: 'redis://127.0.0.1:1' }, role: 'api' });
  });
  after(() => stack?.close());

  it('still answers from the catalog and says the queue is down', async () => {
    const res = await http('GET', `${stack.baseUrl}/metrics`, { token: ADMIN_KEY });
    assert.equal(res.status, 200, res.text);
    assert.ok(res.text.split('\n').includes('kanbu_backup_queue_up 0'), res.text);
    assert.ok(res.text.includes('kanbu_backup_backups{type="database",status="completed"} 0'));
  });
});
