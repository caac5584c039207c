import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { DIST } from '../helpers/processes';
import { PG_ADMIN_URL, REDIS_URL, uniqueName, withPg } from '../../scripts/lib/services';

/** The benchmark script at a tiny scale: every row of the table is there (timings are not judged here). */
describe('benchmark script (smoke, tiny BENCH_SCALE)', function () {
  this.timeout(180_000);
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

  it('prints the floor, baseline, pipeline, zstd, restore and memory rows and the three verdicts, and cleans up', async () => {
    const child = spawn(process.execPath, [join(DIST, 'scripts/bench/main.js')], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        BENCH_SCALE: '0.0005',
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
    assert.deepEqual(labels, [
      'pg_dump > /dev/null (floor)',
      'pg_dump \\| gzip -6 > file (baseline)',
      'kanbu-backup backup database: pg_dump → parallel gzip → SHA-256 → AES-256-GCM → local file',
      'the same with BACKUP_COMPRESSION=zstd',
      'restore: gunzip -c file \\| psql (baseline)',
      'restore: decode (decrypt, SHA-256 check, gunzip) → psql',
      'pipeline at a quarter of the size (memory check)',
    ]);
    for (const row of rows) {
      const cells = row.split(' | ');
      assert.match(cells[1], /^\d+\.\d\d$/, `wall time of ${cells[0]}`);
      assert.match(cells[4], /^\d+(\.\d\d)? MB \|$/, `peak RSS of ${cells[0]}`);
    }
    assert.match(stdout, /^pipeline \/ baseline wall time: \d+\.\d\d \(target ≤ 0\.8: (met|NOT met)\)$/m);
    assert.match(stdout, /^restore \/ gunzip \| psql wall time: \d+\.\d\d \(target ≤ 1\.1: (met|NOT met)\)$/m);
    assert.match(stdout, /^pipeline peak RSS: .* MB at .* MB of SQL, .* MB at .* MB \(target ≤ 200 MB and flat: (met|NOT met)\)$/m);

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
