import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { DIST } from '../helpers/processes';
import { PG_ADMIN_URL, REDIS_URL, uniqueName, withPg } from '../../scripts/lib/services';

/** The benchmark script at a tiny scale: every row of the table is there (timings are not judged here). */
describe('benchmark script (smoke, tiny BENCH_SCALE)', function () {
  this.timeout(300_000);
  let dir: string;
  const prefix = uniqueName('kbt_bench');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kbt-bench-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await withPg(PG_ADMIN_URL, async (c) => {
      const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${prefix}%`]);
      for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    });
  });

  it('prints every row, the stages and the verdicts from interleaved rounds, and cleans up', async () => {
    const child = spawn(process.execPath, [join(DIST, 'scripts/bench/main.js')], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        BENCH_SCALE: '0.0005',
        BENCH_ROUNDS: '2',
        BENCH_DIR: dir,
        BENCH_DB_PREFIX: prefix,
        BENCH_KEEP: '0',
        BENCH_PG_URL: PG_ADMIN_URL,
        REDIS_URL,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);

    const rows = stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Step'));
    const labels = rows.map((r) => r.split(' | ')[0].slice(2));
    const cores = availableParallelism();
    const measured = [
      'pg_dump > /dev/null (floor)',
      'pg_dump \\| gzip -6 > file (baseline)',
      `pg_dump \\| pigz -p${cores} -6 > file`,
      'kanbu-backup backup database, gzip -6 (CLI: catalog, lock, SHA-256, AES-256-GCM, local file)',
      `pg_dump \\| zstd -T${cores} -3 > file`,
      'kanbu-backup backup database, zstd -3',
      'kanbu-backup backup database, gzip, a quarter of the size (memory check)',
      'gunzip -c file \\| psql into a new database (baseline)',
      'kanbu-backup restore --target-database (CLI: verify, temporary database, checks, rename)',
    ];
    for (const label of measured) assert.ok(labels.includes(label), `row ${label} in:\n${stdout}`);
    for (const row of rows.filter((r) => measured.includes(r.split(' | ')[0].slice(2)))) {
      const cells = row.split(' | ');
      assert.match(cells[1], /^\d+\.\d\d \(\d+\.\d\d–\d+\.\d\d\)$/, `median and range of two rounds for ${cells[0]}`);
      assert.match(cells[4], /^\d+(\.\d\d)? MB \|$/, `peak RSS of ${cells[0]}`);
    }
    assert.match(stdout, /^\| kanbu-backup restore replacing the live database \(first round only\) \| \d+\.\d\d \| /m);
    // The replacing restore broken into its parts, as the CLI's progress reports them.
    const liveStages = labels.filter((l) => l.startsWith('restore replacing the live database, stages: ')).map((l) => l.split(': ')[1]);
    assert.equal(liveStages[0], 'start-up');
    for (const stage of ['pre-restore-backup', 'loading', 'checking', 'swapping']) assert.ok(liveStages.includes(stage), `stage ${stage} in ${liveStages}`);
    assert.ok(labels.some((l) => l === 'backup gzip stages: dumping'));

    for (const goal of [
      `backup gzip / pg_dump \\| pigz -p${cores} -6: .* \\(target ≤ 0\\.75: (met|NOT met)\\)`,
      'backup gzip / pg_dump \\| gzip -6: .* \\(target ≤ 0\\.45: (met|NOT met)\\)',
      `backup zstd / pg_dump \\| zstd -T${cores} -3: .* \\(target ≤ 1\\.1: (met|NOT met)\\)`,
      'restore into a new database / gunzip -c \\| psql: .* \\(target ≤ 1\\.1: (met|NOT met)\\)',
      'backup peak RSS: .* MB at .* MB of SQL, .* MB at .* MB .*target ≤ 200 MB at every size: (met|NOT met)\\)',
    ]) {
      assert.match(stdout, new RegExp(`^${goal}$`, 'm'));
    }

    assert.deepEqual(await readdir(dir), [], 'no backups, dumps or scratch files left behind');
    const left = await withPg(PG_ADMIN_URL, (c) => c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${prefix}%`]));
    assert.deepEqual(left.rows, [], 'BENCH_KEEP=0 drops the generated databases');
    const redis = new IORedis(REDIS_URL);
    try {
      assert.deepEqual(await redis.keys(`${prefix}*`), [], 'no queue keys left in Redis');
    } finally {
      redis.disconnect();
    }
  });
});
