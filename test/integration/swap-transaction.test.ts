import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { createDatabase, databaseUrl, PG_ADMIN_URL, trackDatabase, uniqueName, withPg } from '../../scripts/lib/services';
import { waitFor } from '../helpers/wait';

/**
 * The premise of the restore swap: ALTER DATABASE … RENAME, ALTER DATABASE …
 * ALLOW_CONNECTIONS and COMMENT ON DATABASE are transactional, so a client that
 * dies before COMMIT leaves every database as it was.
 */
describe('the swap premise: database renames, connection settings and comments roll back with their transaction', function () {
  this.timeout(60_000);

  interface Pair {
    live: string;
    restored: string;
    previous: string;
  }

  async function pair(): Promise<Pair> {
    const live = await createDatabase('kbt_swapp');
    const restored = await createDatabase('kbt_swapr');
    await withPg(PG_ADMIN_URL, (c) => c.query(`COMMENT ON DATABASE "${restored.name}" IS 'mark'`));
    const previous = uniqueName('kbt_swapv');
    trackDatabase(previous);
    return { live: live.name, restored: restored.name, previous };
  }

  function swapStatements(p: Pair): string[] {
    return [
      'BEGIN',
      `ALTER DATABASE "${p.live}" RENAME TO "${p.previous}"`,
      `ALTER DATABASE "${p.restored}" RENAME TO "${p.live}"`,
      `ALTER DATABASE "${p.live}" WITH ALLOW_CONNECTIONS false`,
      `COMMENT ON DATABASE "${p.live}" IS NULL`,
    ];
  }

  async function state(p: Pair): Promise<Record<string, { allow: boolean; comment: string | null }>> {
    return withPg(PG_ADMIN_URL, async (c) => {
      const rows = await c.query(
        `SELECT datname, datallowconn, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = ANY($1) ORDER BY 1`,
        [[p.live, p.restored, p.previous]],
      );
      return Object.fromEntries(rows.rows.map((r) => [r.datname, { allow: r.datallowconn, comment: r.comment }]));
    });
  }

  async function sessionGone(appName: string): Promise<true | undefined> {
    const n = await withPg(
      PG_ADMIN_URL,
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`, [appName])).rows[0].n,
    );
    return n === 0 ? true : undefined;
  }

  const untouched = (p: Pair) => ({ [p.live]: { allow: true, comment: null }, [p.restored]: { allow: true, comment: 'mark' } });

  it('a psql client killed (SIGKILL) after the statements, before COMMIT: nothing happened', async () => {
    const p = await pair();
    const appName = uniqueName('kbt-premise');
    const psql = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-A', '-t', '-d', databaseUrl('postgres')], {
      env: { ...process.env, PGAPPNAME: appName },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    psql.stdout.on('data', (d) => (out += d));
    psql.stderr.on('data', (d) => (out += d));
    psql.stdin.write(swapStatements(p).join(';\n') + ';\n\\echo statements-done\n');
    await waitFor(async () => (out.includes('statements-done') ? true : undefined), `psql to run the statements (output: ${out})`);
    // Inside the open transaction the swap is visible.
    const inside = await withPg(PG_ADMIN_URL, async (c) => (await c.query(`SELECT state FROM pg_stat_activity WHERE application_name = $1`, [appName])).rows);
    assert.deepEqual(inside, [{ state: 'idle in transaction' }]);
    const exited = new Promise((r) => psql.on('exit', r));
    psql.kill('SIGKILL');
    await exited;
    await waitFor(() => sessionGone(appName), 'the server to notice the client is gone');
    assert.deepEqual(await state(p), untouched(p));
  });

  it('a client whose server session is terminated before COMMIT: nothing happened', async () => {
    const p = await pair();
    const appName = uniqueName('kbt-premise');
    const client = new Client({ connectionString: databaseUrl('postgres'), application_name: appName });
    client.on('error', () => undefined);
    await client.connect();
    for (const sql of swapStatements(p)) await client.query(sql);
    await withPg(PG_ADMIN_URL, (c) => c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [appName]));
    await waitFor(() => sessionGone(appName), 'the terminated session to end');
    await assert.rejects(client.query('COMMIT'));
    await client.end().catch(() => undefined);
    assert.deepEqual(await state(p), untouched(p));
  });

  it('and after COMMIT all of it holds at once', async () => {
    const p = await pair();
    await withPg(PG_ADMIN_URL, async (c) => {
      for (const sql of swapStatements(p)) await c.query(sql);
      await c.query(`ALTER DATABASE "${p.live}" WITH ALLOW_CONNECTIONS true`);
      await c.query('COMMIT');
    });
    assert.deepEqual(await state(p), { [p.live]: { allow: true, comment: null }, [p.previous]: { allow: true, comment: null } });
  });
});
