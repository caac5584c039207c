import assert from 'node:assert/strict';
import { Client } from 'pg';
import type { Execution, RestoreJournalEntry } from '../../shared/catalog/entities';
import { swapApplicationName } from '../../shared/jobs/restore/database-swap';
import { requestRestore, takeBackup } from '../helpers/flows';
import { createKanbuDatabase, tableChecksum } from '../helpers/kanbu-fixture';
import { ServiceProcess, startProcess } from '../helpers/processes';
import { databaseUrl, PG_ADMIN_URL, trackDatabase, withPg } from '../../scripts/lib/services';
import { startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

/**
 * The restore swap survives a crash of its worker at every step: a new worker
 * settles it, and the live name is always a usable database with either its old
 * or the restored content, and the catalog says which.
 */
describe('fault: a worker killed at every step of the restore swap', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let source: { name: string; url: string };
  let backupId: string;
  let backupDigest: string;
  const workers: ServiceProcess[] = [];
  /** Every database a restore recorded as kept, with its content: none may disappear. */
  const kept = new Map<string, string>();
  /** One line per crash point, for the report. */
  const table: string[] = [];

  const digest = async (url: string) => (await Promise.all(['users', 'projects', 'tasks'].map((t) => tableChecksum(url, t)))).join(':');

  async function databasesOf(prefix: string): Promise<string[]> {
    return withPg(PG_ADMIN_URL, async (c) =>
      (await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY 1`, [`${prefix}%`])).rows.map((r) => r.datname),
    );
  }

  async function acceptsConnections(url: string): Promise<boolean> {
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  function worker(extra: Record<string, string> = {}): ServiceProcess {
    const w = startProcess('services/worker/main.js', { ...stack.env, ...(process.env.FAULTS_TIMING ? { LOG_LEVEL: 'info' } : {}), ...extra });
    workers.push(w);
    return w;
  }

  async function settled(executionId: string): Promise<{ execution: Execution; journal: RestoreJournalEntry }> {
    return waitFor(
      async () => {
        const journal = await stack.runtime.journal.findByExecution(executionId);
        const execution = await stack.runtime.executions.findById(executionId);
        return journal?.outcome && execution && ['completed', 'failed'].includes(execution.status) ? { execution, journal } : undefined;
      },
      `restore ${executionId} to be settled`,
      60_000,
      100,
    );
  }

  /** What an operator checks after the crash: usable live database, content, catalog, kept databases, no orphans. */
  async function assertSettled(point: string, executionId: string, before: string, keepPrevious: boolean, expect: 'old' | 'restored'): Promise<void> {
    const { execution, journal } = await settled(executionId);
    assert.ok(await acceptsConnections(source.url), 'the live database accepts connections');
    const live = await digest(source.url);
    const details = (execution.details ?? {}) as { previousDatabase?: string | null; recovered?: boolean };
    if (expect === 'restored') {
      assert.equal(execution.status, 'completed', `${execution.error}`);
      assert.equal(live, backupDigest, 'the live database holds the backup');
      if (keepPrevious) {
        assert.equal(details.previousDatabase, journal.previousName);
        assert.equal(await digest(databaseUrl(journal.previousName!)), before, 'the kept database holds the content from before the restore');
        kept.set(journal.previousName!, before);
        trackDatabase(journal.previousName!);
      } else {
        assert.equal(details.previousDatabase, null);
      }
    } else {
      assert.equal(execution.status, 'failed');
      assert.equal(live, before, 'the live database holds its content from before the restore');
      assert.equal(details.previousDatabase ?? null, null);
    }
    for (const [name, content] of kept) assert.equal(await digest(databaseUrl(name)), content, `the kept database ${name} is still there`);
    const recorded = [...kept.keys()].sort();
    assert.deepEqual(await databasesOf(`${source.name}_`), recorded, 'every database beside the live one is a recorded, kept one');
    assert.equal(
      await withPg(
        PG_ADMIN_URL,
        async (c) =>
          (await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`, [swapApplicationName(executionId)])).rows[0].n,
      ),
      0,
      'no session of the dead run is left',
    );
    table.push(
      `| ${point} | accepts connections | ${live === backupDigest ? 'backup' : 'pre-restore'} | ${execution.status}${details.recovered ? ' (recovered)' : ''}, journal ${journal.outcome}, previousDatabase ${details.previousDatabase ?? 'null'} |`,
    );
  }

  async function changeLive(tag: string): Promise<string> {
    await withPg(source.url, (c) => c.query(`UPDATE tasks SET title = $1 || id WHERE id <= 20`, [`${tag} `]));
    const before = await digest(source.url);
    assert.notEqual(before, backupDigest);
    return before;
  }

  before(async () => {
    source = await createKanbuDatabase(300);
    stack = await startStack({
      env: {
        DATABASE_URL: source.url,
        BACKUP_JOB_LOCK_SECONDS: '2',
        BACKUP_LOCK_TTL_SECONDS: '2',
        BACKUP_LOCK_RETRY_SECONDS: '1',
        BACKUP_RECOVERY_INTERVAL_SECONDS: '1',
        BACKUP_SWAP_LOCK_TIMEOUT_SECONDS: '30',
        WORKER_QUEUES: 'backup,restore',
      },
    });
    const w = worker();
    backupId = (await takeBackup(stack)).id;
    backupDigest = await digest(source.url);
    await w.stop('SIGKILL');
  });

  after(async () => {
    for (const w of workers) await w.stop('SIGKILL');
    await stack?.close();
    for (const name of await databasesOf(`${source.name}_`)) trackDatabase(name);
    if (table.length)
      process.stdout.write(`\n| crash point | live database after recovery | content | catalog record |\n|---|---|---|---|\n${table.join('\n')}\n`);
  });

  afterEach(async function () {
    // A failed step ends the chain: the next one starts its own crashing worker.
    if (this.currentTest?.state !== 'passed') next = undefined;
    for (const w of workers.splice(0)) if (w !== next) await w.stop('SIGKILL');
    if (next) workers.push(next);
  });

  const points: { point: string; keepPrevious: boolean; expect: 'old' | 'restored' }[] = [
    { point: 'checked', keepPrevious: true, expect: 'old' },
    { point: 'closing', keepPrevious: true, expect: 'restored' },
    { point: 'terminating', keepPrevious: true, expect: 'restored' },
    { point: 'swapping', keepPrevious: true, expect: 'restored' },
    { point: 'statement-1', keepPrevious: true, expect: 'restored' },
    { point: 'statement-2', keepPrevious: true, expect: 'restored' },
    { point: 'statement-3', keepPrevious: true, expect: 'restored' },
    { point: 'statement-4', keepPrevious: true, expect: 'restored' },
    { point: 'statement-5', keepPrevious: true, expect: 'restored' },
    { point: 'committing', keepPrevious: true, expect: 'restored' },
    { point: 'committed', keepPrevious: true, expect: 'restored' },
    { point: 'swapped', keepPrevious: true, expect: 'restored' },
    { point: 'dropping', keepPrevious: false, expect: 'restored' },
  ];

  // The worker that settles one crash is the one that crashes at the next point: one process start per step.
  let next: ServiceProcess | undefined;
  for (const [index, { point, keepPrevious, expect }] of points.entries()) {
    it(`crash at "${point}"${keepPrevious ? '' : ' (keepPrevious false)'}: the live database is back, with the ${expect === 'old' ? 'old' : 'restored'} content`, async () => {
      const t0 = Date.now();
      const lap = (what: string) => process.env.FAULTS_TIMING && process.stdout.write(`    ${what} +${Date.now() - t0} ms\n`);
      const before = await changeLive(point);
      const crashing = next ?? worker({ KANBU_TEST_CRASH_AT: point });
      const executionId = await requestRestore(stack, backupId, { keepPrevious });
      await Promise.race([
        crashing.exited,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`no crash at ${point}\n${crashing.output()}`)), 60_000)),
      ]);
      assert.equal(crashing.child.signalCode, 'SIGKILL', `the worker died by its crash hook\n${crashing.output()}`);
      const journal = await stack.runtime.journal.findByExecution(executionId);
      assert.equal(journal?.outcome, null, 'the crash left the restore unfinished');
      lap('crashed');
      next = worker(index + 1 < points.length ? { KANBU_TEST_CRASH_AT: points[index + 1].point } : {});
      await assertSettled(point, executionId, before, keepPrevious, expect);
      lap('settled');
      if (process.env.FAULTS_TIMING) process.stdout.write(crashing.output() + '\n----\n' + workers[workers.length - 1].output());
    });
  }

  it('a rename blocked longer than BACKUP_SWAP_LOCK_TIMEOUT_SECONDS: the run gives up and puts the live database back itself', async () => {
    const before = await changeLive('timeout');
    if (next) await next.stop('SIGKILL');
    next = undefined;
    const blocker = new Client({ connectionString: PG_ADMIN_URL });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`COMMENT ON DATABASE "${source.name}" IS 'held by another session'`);
      const w = worker({ BACKUP_SWAP_LOCK_TIMEOUT_SECONDS: '1' });
      const executionId = await requestRestore(stack, backupId, {});
      const { execution, journal } = await settled(executionId);
      assert.equal(execution.status, 'failed', w.output());
      assert.match(execution.error ?? '', /lock timeout/);
      assert.equal(journal.outcome, 'failed');
      assert.ok(await acceptsConnections(source.url), 'the live database accepts connections again');
      assert.equal(await digest(source.url), before);
      assert.deepEqual(await databasesOf(`${source.name}_`), [...kept.keys()].sort(), 'the restored database was dropped, nothing else');
      table.push(`| rename blocked past lock_timeout (no crash) | accepts connections | pre-restore | failed, journal failed, previousDatabase null |`);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end().catch(() => undefined);
    }
  });

  it('kill -9 while the rename waits for a lock another session holds on the live database, which it releases afterwards', async () => {
    const before = await changeLive('blocked');
    const blocker = new Client({ connectionString: PG_ADMIN_URL });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`COMMENT ON DATABASE "${source.name}" IS 'held by another session'`);
      const killed = next ?? worker();
      next = undefined;
      const executionId = await requestRestore(stack, backupId, {});
      await waitFor(
        async () => {
          const rows = await withPg(PG_ADMIN_URL, (c) =>
            c.query(`SELECT wait_event_type, query FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [
              swapApplicationName(executionId),
            ]),
          );
          return rows.rows.find((r) => /RENAME TO/.test(r.query)) ? true : undefined;
        },
        `the rename to wait for the lock\n${killed.output()}`,
        60_000,
      );
      killed.child.kill('SIGKILL');
      await killed.exited;
      worker();
      // The other session finishes only later: the recovery must neither hang nor leave the database closed for good.
      await new Promise((r) => setTimeout(r, 1500));
      await blocker.query('ROLLBACK');
      await assertSettled('kill -9, rename blocked by a lock', executionId, before, true, 'restored');
    } finally {
      await blocker.end().catch(() => undefined);
    }
  });
});
