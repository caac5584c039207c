import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotificationListener } from '../services/worker/notification-listener';
import type { JobOutcome } from '../services/worker/job-runner';
import { loadConfig } from '../shared/config';
import { configureLogging } from '../shared/logging';
import { backupHealthReport } from '../shared/monitoring/backup-health';
import { evaluateAlerts } from '../shared/monitoring/evaluate-alerts';
import { collectMetrics, renderMetrics } from '../shared/monitoring/metrics';
import { enqueue } from '../shared/queue/enqueue';
import { createRuntime } from '../shared/runtime/runtime';
import { dropCreatedDatabases } from './lib/services';
import { clearQueuePrefix, testEnv } from './lib/stack';

/**
 * How much the monitoring side costs on a catalog with a realistic history:
 * a metrics scrape, the health report, one alert evaluation, and the outcome
 * listener (what a finished backup job waits for), each against a baseline
 * measured in the same run (a trivial catalog query; a single enqueue).
 *
 *   npm run -s build && node dist/scripts/bench-monitoring.js [backups] [executions]
 */
const BACKUPS = Number(process.argv[2] ?? 5000);
const EXECUTIONS = Number(process.argv[3] ?? 20000);
const FILES = 300;
const RUNS = 15;

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

async function main(): Promise<void> {
  const env = await testEnv({ LOG_LEVEL: 'error', SMTP_URL: 'smtp://127.0.0.1:1' });
  const config = loadConfig(env);
  configureLogging({ level: 'error', format: 'text' });
  const runtime = await createRuntime(config, 'worker');
  try {
    const db = runtime.dataSource;
    await db.query(
      `
      INSERT INTO backup (type, filename, status, size_bytes, source_bytes, checksum, compression, encrypted, storage, trigger, duration_ms, created_at, completed_at, verification_status)
      SELECT CASE WHEN i % 10 = 0 THEN 'source' ELSE 'database' END, 'kanbu_backup_bench_' || i || '.sql.gz',
             CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'completed' END, 1000000 + (i % 97) * 1000, 4000000, repeat('a', 64), 'gzip', true, 'local', 'schedule',
             60000, now() - (i || ' hours')::interval, now() - (i || ' hours')::interval, CASE WHEN i % 3 = 0 THEN 'verified' ELSE 'pending' END
      FROM generate_series(1, $1::int) i`,
      [BACKUPS],
    );
    await db.query(
      `
      INSERT INTO execution (kind, trigger, status, queue, queued_at, finished_at, error)
      SELECT (ARRAY['backup','notify','verify','prune'])[1 + i % 4], 'schedule', CASE WHEN i % 40 = 0 THEN 'failed' ELSE 'completed' END,
             'backup', now() - (i || ' minutes')::interval, now() - (i || ' minutes')::interval, CASE WHEN i % 40 = 0 THEN 'boom' END
      FROM generate_series(1, $1::int) i`,
      [EXECUTIONS],
    );
    await mkdir(config.BACKUP_LOCAL_PATH, { recursive: true });
    for (let i = 0; i < FILES; i++) await writeFile(join(config.BACKUP_LOCAL_PATH, `kanbu_backup_bench_${i}.sql.gz`), 'x');
    await runtime.notificationSettings.update({
      webhookUrl: 'http://127.0.0.1:1/hook',
      webhookSecret: 'bench-secret-0123456789',
      notifyOnSuccess: true,
      emailRecipients: ['ops@example.com'],
      slackWebhookUrl: 'http://127.0.0.1:1/slack',
      discordWebhookUrl: 'http://127.0.0.1:1/discord',
    });
    const [newest] = await runtime.stats.recentSuccessful('database', 1);
    const execution = await runtime.executions.create({ kind: 'backup', trigger: 'api', queue: 'backup', backupId: newest.id });
    const outcome = { queue: 'backup', status: 'completed', execution, job: { data: { type: 'database' } } } as unknown as JobOutcome;
    const listener = new NotificationListener(runtime);
    const storages = runtime.storageTargets;

    const rows: [string, number][] = [];
    const baselineQuery = await median(() => db.query('SELECT count(*) FROM backup'));
    rows.push(['baseline: SELECT count(*) FROM backup', baselineQuery]);
    rows.push([
      'GET /metrics work (collect + render)',
      await median(async () => renderMetrics(await collectMetrics({ stats: runtime.stats, alerts: runtime.alerts, queues: runtime.queues, storages }))),
    ]);
    rows.push(['GET /api/health/backups work', await median(() => backupHealthReport({ stats: runtime.stats, alerts: runtime.alerts, storages }))]);
    rows.push([
      'one alert evaluation',
      await median(() =>
        evaluateAlerts(
          { stats: runtime.stats, alerts: runtime.alerts, storages, publish: async () => undefined },
          { maxAgeHours: 26, sizeChangePct: 50, storagePct: 90 },
        ),
      ),
    ]);
    const baselineEnqueue = await median(() => enqueue(runtime.enqueueDeps, 'notify', { type: 'alerts', trigger: 'system' }));
    rows.push(['baseline: one enqueue (execution row + Redis add)', baselineEnqueue]);
    rows.push(['outcome listener, 4 channels (what a finished backup waits for)', await median(() => listener.onOutcome(outcome))]);

    process.stdout.write(`catalog: ${BACKUPS} backups, ${EXECUTIONS} executions; ${FILES} files in the local target; median of ${RUNS} runs\n`);
    for (const [what, ms] of rows) {
      const base = what.includes('listener') ? baselineEnqueue : what.startsWith('baseline') ? ms : baselineQuery;
      process.stdout.write(`${what.padEnd(66)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / base).toFixed(1).padStart(6)}× baseline\n`);
    }
  } finally {
    await clearQueuePrefix(runtime).catch(() => undefined);
    await runtime.close();
    await dropCreatedDatabases();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
