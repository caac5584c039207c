import assert from 'node:assert/strict';
import { takeBackup, requestRestore, waitForExecution } from '../helpers/flows';
import { http } from '../helpers/http';
import { createKanbuDatabase, tableChecksum } from '../helpers/kanbu-fixture';
import { ServiceProcess, startProcess } from '../helpers/processes';
import { databaseUrl, trackDatabase, withPg } from '../../scripts/lib/services';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

async function databasesLike(prefix: string): Promise<{ name: string; allow: boolean }[]> {
  return withPg(databaseUrl('postgres'), async (c) =>
    (await c.query(`SELECT datname, datallowconn FROM pg_database WHERE datname LIKE $1 ORDER BY 1`, [`${prefix}%`])).rows.map((r) => ({
      name: r.datname,
      allow: r.datallowconn,
    })),
  );
}

describe('a restore whose worker is killed mid-load', function () {
  this.timeout(240_000);
  let stack: TestStack;
  let source: { name: string; url: string };
  let worker: ServiceProcess | undefined;

  before(async () => {
    // Big enough that loading takes a few seconds, so the kill lands mid-load.
    source = await createKanbuDatabase(150_000);
    stack = await startStack({
      env: {
        DATABASE_URL: source.url,
        BACKUP_JOB_LOCK_SECONDS: '2',
        BACKUP_LOCK_TTL_SECONDS: '3',
        BACKUP_LOCK_RETRY_SECONDS: '1',
        // The new worker may start before the dead run's lock expires; then the periodic check settles it.
        BACKUP_RECOVERY_INTERVAL_SECONDS: '1',
        WORKER_QUEUES: 'backup,restore',
        LOG_LEVEL: 'info',
      },
    });
  });
  after(async () => {
    await worker?.stop('SIGKILL');
    await stack?.close();
    for (const db of await databasesLike(`${source.name}_`)) trackDatabase(db.name);
  });

  it('leaves the live database intact and usable, and the next run cleans up', async () => {
    worker = startProcess('services/worker/main.js', stack.env);
    const backup = await takeBackup(stack);
    const before = await tableChecksum(source.url, 'tasks');

    const executionId = await requestRestore(stack, backup.id, {});
    const seen: string[] = [];
    await waitFor(
      async () => {
        const job = await http('GET', `${stack.baseUrl}/api/jobs/${executionId}`, { token: ADMIN_KEY });
        seen.push(`${job.body?.state}:${JSON.stringify(job.body?.progress)}`);
        if (job.body?.progress?.stage !== 'loading') return undefined;
        // Loading has begun once the temporary database exists: the kill must land after that.
        return (await databasesLike(`${source.name}_restore_`)).length === 1 ? true : undefined;
      },
      `the restore to be loading into its temporary database (seen ${[...new Set(seen)].join(' ')})\n${worker.output()}`,
      120_000,
      20,
    );
    await worker.stop('SIGKILL');

    const leftovers = await databasesLike(`${source.name}_restore_`);
    assert.equal(leftovers.length, 1, 'the kill happened while the temporary database was being loaded');
    const [live] = await databasesLike(source.name);
    assert.deepEqual(live, { name: source.name, allow: true }, 'the live database still accepts connections');
    assert.equal(await tableChecksum(source.url, 'tasks'), before, 'and its data is unchanged');

    // A new worker settles the unfinished restore by its journal: rolled back (the load never passed its checks).
    worker = startProcess('services/worker/main.js', stack.env);
    const journal = await waitFor(
      async () => {
        const entry = await stack.runtime.journal.findByExecution(executionId);
        return entry?.outcome ? entry : undefined;
      },
      `the recovery to settle restore ${executionId}\n${worker.output()}`,
      60_000,
    );
    assert.equal(journal.outcome, 'rolled_back');
    const abandoned = await waitForExecution(stack, executionId, 60_000);
    assert.equal(abandoned.status, 'failed');
    assert.match(abandoned.error ?? '', /worker stopped during this job|interrupted and rolled back/);
    assert.equal((abandoned.details as Record<string, unknown>).previousDatabase, null);
    assert.deepEqual(await databasesLike(`${source.name}_restore_`), [], 'the recovery dropped the half-loaded database');

    // The next restore drops the half-restored database and succeeds.
    await withPg(source.url, (c) => c.query(`UPDATE tasks SET done = NOT done WHERE id < 10`));
    const next = await waitForExecution(stack, await requestRestore(stack, backup.id, { keepPrevious: false }), 120_000);
    assert.equal(next.status, 'completed', `${next.error}\n${worker.output()}`);
    assert.deepEqual(await databasesLike(`${source.name}_restore_`), []);
    assert.equal(await tableChecksum(source.url, 'tasks'), before);
  });
});
