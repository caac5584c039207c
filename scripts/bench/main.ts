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
import { BENCH_DATA_SHAPES, BenchDataShape, databaseIsCurrent, generateDatabase } from './generate-database';
import { assertTimeAvailable, measure, Measurement } from './measure';
import { mb, pairedRatios, renderTable, StepResult, verdictLine } from './report';
import { StageClock } from './stage-clock';

/**
 * `npm run bench`: generates (once, cached in PostgreSQL) a text-heavy
 * Kanbu-like database, then measures, in interleaved rounds, what users run
 * against the plain tools on the same data in the same round:
 *
 * - the real CLI backup (`kanbu-backup backup database`: config, catalog, lock,
 *   pg_dump → compression → SHA-256 → AES-256-GCM → local storage, retention
 *   queued) with gzip and zstd, against `pg_dump | gzip -6`, `pg_dump | pigz`
 *   and `pg_dump | zstd`;
 * - the real CLI restore into a new database (`--target-database`: verification,
 *   temporary database, checks, rename), against `gunzip -c | psql`;
 * - a restore that replaces the live database, split into its stages as the
 *   CLI's progress lines report them;
 * - peak RSS of the backup at two sizes.
 *
 * BENCH_SCALE (1 ≈ 1 GB of SQL), BENCH_ROUNDS (3), BENCH_DATA (text | kanbu-like),
 * BENCH_ZSTD_LEVEL (3), BENCH_DIR (.bench), BENCH_PG_URL (admin connection),
 * BENCH_DB_PREFIX (kanbu_bench), BENCH_KEEP=0 drops the generated databases at the end.
 */
const CLI = resolve(__dirname, '../../services/cli/main.js');
const BENCH_KEY = 'kanbu benchmark encryption passphrase';
const PSQL_FLAGS = '-X -q -v ON_ERROR_STOP=1 --single-transaction';
const GZIP_LEVEL = 6;
const CORES = availableParallelism();

const settings = {
  scale: Number(process.env.BENCH_SCALE ?? 1),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  data: (process.env.BENCH_DATA ?? 'text') as BenchDataShape,
  zstdLevel: Number(process.env.BENCH_ZSTD_LEVEL ?? 3),
  dir: resolve(process.env.BENCH_DIR ?? resolve(__dirname, '../../../.bench')),
  adminUrl: process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  prefix: process.env.BENCH_DB_PREFIX ?? 'kanbu_bench',
  keep: process.env.BENCH_KEEP !== '0',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};

/** Scratch databases and queue keys of this run: another bench on the same server must not collide with it. */
const runId = `${settings.prefix}_r${process.pid}`;

const log = (line: string) => process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} ${line}\n`);

function dbUrl(name: string): string {
  const url = new URL(settings.adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function dataName(scale: number): string {
  const shape = settings.data === 'text' ? '' : `_${settings.data.replace(/-/g, '_')}`;
  return `${settings.prefix}${shape}_s${String(scale).replace('.', '_')}`;
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

/** Every database whose name starts with `prefix` (this run's scratch databases, restores included). */
async function dropDatabasesStartingWith(prefix: string): Promise<void> {
  const { rows } = await admin((c) => c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [prefix]));
  for (const { datname } of rows) await dropDatabase(datname);
}

/** The generated database of a scale, built only when missing or made by another generator version. */
async function benchDatabase(scale: number): Promise<string> {
  const name = dataName(scale);
  const url = dbUrl(name);
  if (await databaseIsCurrent(url, scale, settings.data)) return url;
  log(`generating ${name} (${settings.data}, scale ${scale}); cached for later runs`);
  await freshDatabase(name);
  await generateDatabase(url, scale, settings.data, log);
  return url;
}

async function catalogDatabase(): Promise<string> {
  const url = await freshDatabase(`${runId}_catalog`);
  const ds = createCatalogDataSource({ url, poolSize: 1 });
  await ds.initialize();
  await runCatalogMigrations(ds);
  await ds.destroy();
  return url;
}

interface StoredBackup {
  id: string;
  sizeBytes: number;
  sourceBytes: number;
}

async function lastBackup(catalogUrl: string): Promise<StoredBackup> {
  const client = new Client({ connectionString: catalogUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT id, size_bytes::float8 AS "sizeBytes", source_bytes::float8 AS "sourceBytes" FROM backup WHERE status = 'completed' ORDER BY created_at DESC LIMIT 1`,
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

const queuePrefix = () => runId;

/** The CLI registers queues and notification jobs in Redis under this run's prefix; nothing of it should stay. */
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

function baseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG };
}

class Steps {
  private readonly results = new Map<string, StepResult>();

  record(label: string, m: Pick<Measurement, 'wallSeconds'> & Partial<Measurement>, facts: Partial<StepResult> = {}): void {
    const step = this.results.get(label) ?? { label, wallSeconds: [], peakRssBytes: [] };
    step.wallSeconds.push(m.wallSeconds);
    if (m.peakRssBytes !== undefined) step.peakRssBytes.push(m.peakRssBytes);
    Object.assign(step, facts);
    this.results.set(label, step);
  }

  recordStages(prefix: string, clock: StageClock, total: number): void {
    for (const { stage, seconds } of clock.durations(total)) this.record(`${prefix}: ${stage}`, { wallSeconds: seconds });
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
  gzip: `pg_dump \\| gzip -${GZIP_LEVEL} > file (baseline)`,
  pigz: `pg_dump \\| pigz -p${CORES} -${GZIP_LEVEL} > file`,
  backupGzip: `kanbu-backup backup database, gzip -${GZIP_LEVEL} (CLI: catalog, lock, SHA-256, AES-256-GCM, local file)`,
  zstd: `pg_dump \\| zstd -T${CORES} -${settings.zstdLevel} > file`,
  backupZstd: `kanbu-backup backup database, zstd -${settings.zstdLevel}`,
  backupQuarter: 'kanbu-backup backup database, gzip, a quarter of the size (memory check)',
  restoreBaseline: 'gunzip -c file \\| psql into a new database (baseline)',
  restoreNew: 'kanbu-backup restore --target-database (CLI: verify, temporary database, checks, rename)',
  restoreLive: 'kanbu-backup restore replacing the live database (first round only)',
};

async function runRound(steps: Steps, urls: { main: string; quarter: string; catalog: string }, round: number): Promise<void> {
  const pgEnv = { ...baseEnv(), ...libpqEnv(parsePostgresUrl(urls.main)) };
  const dumpArgs = PG_DUMP_ARGS.join(' ');
  const backups = join(settings.dir, 'backups');
  await rm(backups, { recursive: true, force: true });
  await mkdir(backups, { recursive: true });
  const baselineFile = join(settings.dir, 'baseline.sql.gz');
  const scratchFile = join(settings.dir, 'scratch');
  const outputSize = async (file: string) => (await stat(file)).size;

  const cliEnv = (databaseUrl: string, compression: string, level: number): NodeJS.ProcessEnv => ({
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
    BACKUP_COMPRESSION_LEVEL: String(level),
  });
  const backUp = async (label: string, databaseUrl: string, compression: string, level: number, stagesOf?: string) => {
    log(label);
    const clock = new StageClock('backup');
    const m = await measure([process.execPath, CLI, 'backup', 'database'], cliEnv(databaseUrl, compression, level), { onStderrLine: clock.onLine });
    const produced = await lastBackup(urls.catalog);
    steps.record(label, m, { throughputBytes: produced.sourceBytes, outputBytes: produced.sizeBytes });
    if (stagesOf) steps.recordStages(stagesOf, clock, m.wallSeconds);
    return produced;
  };
  const shell = async (label: string, command: string, output?: string) => {
    log(label);
    const m = await measure(['sh', '-c', command], pgEnv);
    steps.record(label, m, { outputBytes: output ? await outputSize(output) : undefined });
  };

  let gzipBackup: StoredBackup | undefined;
  // Each round runs the rows in a different order, so a slow phase of the machine does not always hit the same row.
  const backupRows = [
    () => shell(LABELS.floor, `pg_dump ${dumpArgs} > /dev/null`),
    () => shell(LABELS.gzip, `pg_dump ${dumpArgs} | gzip -${GZIP_LEVEL} > "${baselineFile}"`, baselineFile),
    () => shell(LABELS.pigz, `pg_dump ${dumpArgs} | pigz -p${CORES} -${GZIP_LEVEL} > "${scratchFile}"`, scratchFile),
    async () => (gzipBackup = await backUp(LABELS.backupGzip, urls.main, 'gzip', GZIP_LEVEL, 'backup gzip stages')),
    () => shell(LABELS.zstd, `pg_dump ${dumpArgs} | zstd -q -T${CORES} -${settings.zstdLevel} > "${scratchFile}"`, scratchFile),
    () => backUp(LABELS.backupZstd, urls.main, 'zstd', settings.zstdLevel),
    () => backUp(LABELS.backupQuarter, urls.quarter, 'gzip', GZIP_LEVEL),
  ];
  const shift = (round - 1) % backupRows.length;
  for (const row of [...backupRows.slice(shift), ...backupRows.slice(0, shift)]) await row();
  await rm(scratchFile, { force: true });
  const dumpBytes = steps.get(LABELS.backupGzip).throughputBytes;
  for (const label of [LABELS.floor, LABELS.gzip, LABELS.pigz, LABELS.zstd]) Object.assign(steps.get(label), { throughputBytes: dumpBytes });

  // The restores read this round's gzip backup: the default, and the kind users have most of.
  const backupId = gzipBackup!.id;
  const restoreBaseline = async () => {
    log(LABELS.restoreBaseline);
    const url = await freshDatabase(`${runId}_baseline`);
    const m = await measure(['sh', '-c', `gunzip -c "${baselineFile}" | psql ${PSQL_FLAGS} -d "${url}" > /dev/null`], baseEnv());
    steps.record(LABELS.restoreBaseline, m, { throughputBytes: dumpBytes });
    await dropDatabase(`${runId}_baseline`);
  };
  const restored = `${runId}_restored`;
  const restoreNew = async () => {
    log(LABELS.restoreNew);
    await dropDatabase(restored);
    const clock = new StageClock('restore');
    const m = await measure([process.execPath, CLI, 'restore', backupId, '--target-database', restored, '--yes'], cliEnv(urls.main, 'gzip', GZIP_LEVEL), {
      onStderrLine: clock.onLine,
    });
    steps.record(LABELS.restoreNew, m, { throughputBytes: dumpBytes });
    steps.recordStages('restore --target-database stages', clock, m.wallSeconds);
  };
  if (round % 2) {
    await restoreBaseline();
    await restoreNew();
  } else {
    await restoreNew();
    await restoreBaseline();
  }

  // Once per run, in the first round: a breakdown into stages rather than a goal, and the longest row.
  // The database just restored plays the live one: the restore backs it up, loads the backup beside it and swaps.
  if (round === 1) {
    log(LABELS.restoreLive);
    const clock = new StageClock('restore');
    const live = await measure([process.execPath, CLI, 'restore', backupId, '--drop-previous', '--yes'], cliEnv(dbUrl(restored), 'gzip', GZIP_LEVEL), {
      onStderrLine: clock.onLine,
    });
    steps.record(LABELS.restoreLive, live, { throughputBytes: dumpBytes });
    steps.recordStages('restore replacing the live database, stages', clock, live.wallSeconds);
  }
  await dropDatabasesStartingWith(restored);
}

function report(steps: Steps): string {
  const ratio = (a: string, b: string) => pairedRatios(steps.get(a), steps.get(b));
  const backupGzip = steps.get(LABELS.backupGzip);
  const quarter = steps.get(LABELS.backupQuarter);
  const rssLarge = Math.max(...backupGzip.peakRssBytes);
  const rssSmall = Math.max(...quarter.peakRssBytes);
  const rssOk = Math.max(rssLarge, rssSmall) <= 200_000_000;
  const rounds = steps.get(LABELS.floor).wallSeconds.length;
  return [
    `Kanbu Backup benchmark: ${settings.data} data, scale ${settings.scale} (${mb(backupGzip.throughputBytes)} of SQL), ${CORES} cores, ${rounds} interleaved round(s)`,
    '',
    renderTable(steps.all()),
    '',
    'Ratios of wall times in the same round: median (min–max)',
    verdictLine(`backup gzip / pg_dump | pigz -p${CORES} -${GZIP_LEVEL}`, ratio(LABELS.backupGzip, LABELS.pigz), 0.75),
    verdictLine(`backup gzip / pg_dump | gzip -${GZIP_LEVEL}`, ratio(LABELS.backupGzip, LABELS.gzip), 0.45),
    verdictLine(`backup zstd / pg_dump | zstd -T${CORES} -${settings.zstdLevel}`, ratio(LABELS.backupZstd, LABELS.zstd), 1.1),
    verdictLine('restore into a new database / gunzip -c | psql', ratio(LABELS.restoreNew, LABELS.restoreBaseline), 1.1),
    `backup peak RSS: ${mb(rssSmall)} at ${mb(quarter.throughputBytes)} of SQL, ${mb(rssLarge)} at ${mb(backupGzip.throughputBytes)} (highest of the rounds; target ≤ 200 MB at every size: ${rssOk ? 'met' : 'NOT met'})`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  if (!(settings.scale > 0)) throw new Error('BENCH_SCALE must be a positive number');
  if (!Number.isInteger(settings.rounds) || settings.rounds < 1) throw new Error('BENCH_ROUNDS must be a positive integer');
  if (!BENCH_DATA_SHAPES.includes(settings.data)) throw new Error(`BENCH_DATA must be one of ${BENCH_DATA_SHAPES.join(', ')}`);
  assertTimeAvailable();
  await mkdir(settings.dir, { recursive: true });
  await ensureDatabase(settings.adminUrl);
  const quarterScale = settings.scale / 4;
  const started = Date.now();
  const steps = new Steps();
  try {
    const urls = { main: await benchDatabase(settings.scale), quarter: await benchDatabase(quarterScale), catalog: await catalogDatabase() };
    for (let round = 1; round <= settings.rounds; round++) {
      log(`round ${round} of ${settings.rounds}`);
      await runRound(steps, urls, round);
      if (round < settings.rounds) log(`after round ${round} of ${settings.rounds}:\n${report(steps)}`);
    }
  } finally {
    await rm(join(settings.dir, 'backups'), { recursive: true, force: true });
    await rm(join(settings.dir, 'baseline.sql.gz'), { force: true });
    await rm(join(settings.dir, 'scratch'), { force: true });
    await dropDatabasesStartingWith(runId);
    await clearQueueKeys();
    if (!settings.keep) for (const scale of [settings.scale, quarterScale]) await dropDatabase(dataName(scale));
  }
  log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  process.stdout.write(report(steps));
}

main().then(
  // ioredis keeps a timer for a while after disconnecting; the report is written.
  () => process.exit(0),
  (err) => {
    process.stderr.write(`[bench] failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
