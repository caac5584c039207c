import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { createCatalogDataSource, runCatalogMigrations } from '../../shared/catalog/data-source';
import { PG_DUMP_ARGS } from '../../shared/engine/sources/pg-dump.source';
import { parsePostgresUrl } from '../../shared/config/postgres-url';
import { libpqEnv } from '../../shared/engine/sources/libpq-env';
import { ensureDatabase } from '../lib/ensure-database';
import { databaseIsCurrent, generateDatabase } from './generate-database';
import { assertTimeAvailable, measure } from './measure';
import { mb, median, renderTable, StepResult, verdict } from './report';

/**
 * `npm run bench`: generates (once, cached in PostgreSQL) a text-heavy
 * Kanbu-like database, then measures in one run the floor (pg_dump to
 * /dev/null), the baseline (pg_dump | gzip -6), the project's full pipeline
 * (the real `kanbu-backup backup database` process: parallel gzip, SHA-256,
 * AES-256-GCM, local storage) and the restore path against `gunzip | psql`,
 * and prints a table with ratios against the baseline of the same run.
 *
 * BENCH_SCALE (1 ≈ 1 GB of SQL), BENCH_RUNS (rounds, reported as medians),
 * BENCH_DIR (.bench), BENCH_PG_URL (admin connection), BENCH_DB_PREFIX
 * (kanbu_bench), BENCH_KEEP=0 drops the generated databases at the end.
 */
const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist/services/cli/main.js');
const RESTORE_RUNNER = join(__dirname, 'restore-runner.js');
const BENCH_KEY = 'kanbu benchmark encryption passphrase';
const PSQL_FLAGS = '-X -q -v ON_ERROR_STOP=1 --single-transaction';

const settings = {
  scale: Number(process.env.BENCH_SCALE ?? 1),
  runs: Math.max(1, Number(process.env.BENCH_RUNS ?? 1)),
  dir: resolve(process.env.BENCH_DIR ?? join(ROOT, '.bench')),
  adminUrl: process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  prefix: process.env.BENCH_DB_PREFIX ?? 'kanbu_bench',
  keep: process.env.BENCH_KEEP !== '0',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function dbUrl(name: string): string {
  const url = new URL(settings.adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function scaleName(scale: number): string {
  return `${settings.prefix}_s${String(scale).replace('.', '_')}`;
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: settings.adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const dropDatabase = (name: string) => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));

async function freshDatabase(name: string): Promise<string> {
  await dropDatabase(name);
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  return dbUrl(name);
}

/** The generated database of a scale, built only when missing or made by another generator version. */
async function benchDatabase(scale: number): Promise<string> {
  const name = scaleName(scale);
  const url = dbUrl(name);
  if (await databaseIsCurrent(url, scale)) return url;
  log(`generating ${name} (scale ${scale}); cached for later runs`);
  await freshDatabase(name);
  await generateDatabase(url, scale, log);
  return url;
}

async function catalogDatabase(): Promise<string> {
  const url = await freshDatabase(`${settings.prefix}_catalog`);
  const ds = createCatalogDataSource({ url, poolSize: 1 });
  await ds.initialize();
  await runCatalogMigrations(ds);
  await ds.destroy();
  return url;
}

interface StoredBackup {
  filename: string;
  sizeBytes: number;
  sourceBytes: number;
  checksum: string;
}

async function lastBackup(catalogUrl: string): Promise<StoredBackup> {
  const client = new Client({ connectionString: catalogUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT filename, size_bytes::float8 AS "sizeBytes", source_bytes::float8 AS "sourceBytes", checksum FROM backup WHERE status = 'completed' ORDER BY created_at DESC LIMIT 1`,
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

/** The backup process registers its queues in Redis under the bench's own prefix; nothing of it should stay. */
async function clearQueueKeys(): Promise<void> {
  const redis = new IORedis(settings.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix()}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const queuePrefix = () => `${settings.prefix}-queue`;

function baseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG };
}

class Steps {
  private readonly results = new Map<string, StepResult>();

  record(label: string, wallSeconds: number, peakRssBytes: number, facts: Partial<StepResult> = {}): void {
    const step = this.results.get(label) ?? { label, wallSeconds: [], peakRssBytes: [] };
    step.wallSeconds.push(wallSeconds);
    step.peakRssBytes.push(peakRssBytes);
    Object.assign(step, facts);
    this.results.set(label, step);
  }

  get(label: string): StepResult {
    return this.results.get(label)!;
  }

  all(): StepResult[] {
    return [...this.results.values()];
  }
}

const LABELS = {
  floor: 'pg_dump > /dev/null (floor)',
  baseline: 'pg_dump \\| gzip -6 > file (baseline)',
  pipeline: 'kanbu-backup backup database: pg_dump → parallel gzip → SHA-256 → AES-256-GCM → local file',
  zstd: 'the same with BACKUP_COMPRESSION=zstd',
  restoreBaseline: 'restore: gunzip -c file \\| psql (baseline)',
  restore: 'restore: decode (decrypt, SHA-256 check, gunzip) → psql',
  smallPipeline: 'pipeline at a quarter of the size (memory check)',
};

async function runRound(steps: Steps, urls: { main: string; quarter: string; catalog: string }): Promise<void> {
  const pgEnv = { ...baseEnv(), ...libpqEnv(parsePostgresUrl(urls.main)) };
  const dumpArgs = PG_DUMP_ARGS.join(' ');
  const backups = join(settings.dir, 'backups');
  await rm(backups, { recursive: true, force: true });
  await mkdir(backups, { recursive: true });
  const baselineFile = join(settings.dir, 'baseline.sql.gz');

  log('floor');
  const floor = await measure(['sh', '-c', `pg_dump ${dumpArgs} > /dev/null`], pgEnv);
  log('baseline');
  const baseline = await measure(['sh', '-c', `pg_dump ${dumpArgs} | gzip -6 > "${baselineFile}"`], pgEnv);

  const cliEnv = (databaseUrl: string, compression: string): NodeJS.ProcessEnv => ({
    ...baseEnv(),
    CATALOG_DATABASE_URL: urls.catalog,
    DATABASE_URL: databaseUrl,
    REDIS_URL: settings.redisUrl,
    BACKUP_QUEUE_PREFIX: queuePrefix(),
    BACKUP_ADMIN_API_KEY: 'kanbu-benchmark-admin-key',
    BACKUP_LOCAL_PATH: backups,
    BACKUP_ENCRYPTION_KEY: BENCH_KEY,
    BACKUP_PG_MODE: 'direct',
    BACKUP_COMPRESSION: compression,
  });
  log('pipeline (gzip)');
  const pipeline = await measure([process.execPath, CLI, 'backup', 'database'], cliEnv(urls.main, 'gzip'));
  const produced = await lastBackup(urls.catalog);
  log('pipeline (zstd)');
  const zstd = await measure([process.execPath, CLI, 'backup', 'database'], cliEnv(urls.main, 'zstd'));
  const producedZstd = await lastBackup(urls.catalog);
  log('pipeline at a quarter of the size');
  const small = await measure([process.execPath, CLI, 'backup', 'database'], cliEnv(urls.quarter, 'gzip'));
  const producedSmall = await lastBackup(urls.catalog);

  const dumpBytes = produced.sourceBytes;
  steps.record(LABELS.floor, floor.wallSeconds, floor.peakRssBytes, { throughputBytes: dumpBytes });
  steps.record(LABELS.baseline, baseline.wallSeconds, baseline.peakRssBytes, { throughputBytes: dumpBytes, outputBytes: (await stat(baselineFile)).size });
  steps.record(LABELS.pipeline, pipeline.wallSeconds, pipeline.peakRssBytes, { throughputBytes: dumpBytes, outputBytes: produced.sizeBytes });
  steps.record(LABELS.zstd, zstd.wallSeconds, zstd.peakRssBytes, { throughputBytes: dumpBytes, outputBytes: producedZstd.sizeBytes });

  const restoreTarget = `${settings.prefix}_restore`;
  log('restore baseline');
  let url = await freshDatabase(restoreTarget);
  const restoreBaseline = await measure(['sh', '-c', `gunzip -c "${baselineFile}" | psql ${PSQL_FLAGS} -d "${url}" > /dev/null`], baseEnv());
  steps.record(LABELS.restoreBaseline, restoreBaseline.wallSeconds, restoreBaseline.peakRssBytes, { throughputBytes: dumpBytes });
  log('restore through the decode path');
  url = await freshDatabase(restoreTarget);
  const restore = await measure([process.execPath, RESTORE_RUNNER, join(backups, produced.filename), url, produced.checksum], {
    ...baseEnv(),
    BACKUP_ENCRYPTION_KEY: BENCH_KEY,
  });
  steps.record(LABELS.restore, restore.wallSeconds, restore.peakRssBytes, { throughputBytes: dumpBytes });
  await dropDatabase(restoreTarget);

  steps.record(LABELS.smallPipeline, small.wallSeconds, small.peakRssBytes, {
    throughputBytes: producedSmall.sourceBytes,
    outputBytes: producedSmall.sizeBytes,
  });
}

function pairedRatio(a: StepResult, b: StepResult): number[] {
  return a.wallSeconds.map((w, i) => w / b.wallSeconds[i]);
}

function ratioText(values: number[]): string {
  const m = median(values).toFixed(2);
  return values.length > 1 ? `${m} (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})` : m;
}

async function main(): Promise<void> {
  if (!(settings.scale > 0)) throw new Error('BENCH_SCALE must be a positive number');
  assertTimeAvailable();
  await mkdir(settings.dir, { recursive: true });
  await ensureDatabase(settings.adminUrl);
  const quarterScale = settings.scale / 4;
  const urls = { main: await benchDatabase(settings.scale), quarter: await benchDatabase(quarterScale), catalog: await catalogDatabase() };
  const steps = new Steps();
  try {
    for (let round = 1; round <= settings.runs; round++) {
      log(`round ${round} of ${settings.runs}`);
      await runRound(steps, urls);
    }
  } finally {
    await rm(join(settings.dir, 'backups'), { recursive: true, force: true });
    await rm(join(settings.dir, 'baseline.sql.gz'), { force: true });
    await dropDatabase(`${settings.prefix}_catalog`);
    await clearQueueKeys();
    if (!settings.keep) for (const scale of [settings.scale, quarterScale]) await dropDatabase(scaleName(scale));
  }

  const pipelineRatio = pairedRatio(steps.get(LABELS.pipeline), steps.get(LABELS.baseline));
  const restoreRatio = pairedRatio(steps.get(LABELS.restore), steps.get(LABELS.restoreBaseline));
  const rssSmall = median(steps.get(LABELS.smallPipeline).peakRssBytes);
  const rssLarge = median(steps.get(LABELS.pipeline).peakRssBytes);
  const dump = steps.get(LABELS.pipeline).throughputBytes;
  const dumpSmall = steps.get(LABELS.smallPipeline).throughputBytes;
  process.stdout.write(
    [
      `Kanbu Backup benchmark: scale ${settings.scale} (${mb(dump)} of SQL), ${availableParallelism()} cores, ${settings.runs} run(s)`,
      '',
      renderTable(steps.all()),
      '',
      `pipeline / baseline wall time: ${ratioText(pipelineRatio)} (target ≤ 0.8: ${verdict(median(pipelineRatio) <= 0.8)})`,
      `restore / gunzip | psql wall time: ${ratioText(restoreRatio)} (target ≤ 1.1: ${verdict(median(restoreRatio) <= 1.1)})`,
      `pipeline peak RSS: ${mb(rssSmall)} at ${mb(dumpSmall)} of SQL, ${mb(rssLarge)} at ${mb(dump)} (target ≤ 200 MB and flat: ${verdict(Math.max(rssSmall, rssLarge) <= 200_000_000)})`,
      '',
    ].join('\n'),
  );
}

main().then(
  // ioredis keeps a timer for a while after disconnecting; the report is written.
  () => process.exit(0),
  (err) => {
    process.stderr.write(`[bench] failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
