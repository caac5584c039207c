import assert from 'node:assert/strict';
import { DirectPsqlExecutor } from '../../shared/engine/postgres/postgres-executor';
import { parsePostgresUrl } from '../../shared/config/postgres-url';
import { DatabaseAdmin } from '../../shared/jobs/restore/database-admin';
import { databaseUrl, trackDatabase, uniqueName, withPg } from '../../scripts/lib/services';

describe('temporary databases of restore tests (real PostgreSQL)', function () {
  this.timeout(60_000);

  it('the next run drops a marked leftover, but never a marked database that carries the target name, nor one a restore marked', async () => {
    const live = uniqueName('kbt_admin');
    const admin = new DatabaseAdmin(new DirectPsqlExecutor(parsePostgresUrl(databaseUrl(live))));
    const leftover = `${live}_verify_20260101_000000`;
    const restoring = `${live}_restore_20260101_000000`;
    for (const name of [live, leftover, restoring]) trackDatabase(name);
    const mark = { target: live, executionId: '00000000-0000-4000-8000-000000000000', createdAt: new Date(0).toISOString() };
    await admin.createTemp(leftover, 'postgres', { ...mark, purpose: 'verify' });
    await admin.createTemp(live, 'postgres', { ...mark, purpose: 'verify' });
    await admin.createTemp(restoring, 'postgres', { ...mark, purpose: 'restore' });

    assert.deepEqual(await admin.dropAbandoned('verify', live), [leftover]);
    const left = await withPg(databaseUrl('postgres'), (c) =>
      c.query(`SELECT datname FROM pg_database WHERE datname IN ($1, $2, $3) ORDER BY 1`, [live, leftover, restoring]),
    );
    assert.deepEqual(
      left.rows.map((r) => r.datname),
      [live, restoring],
    );
  });
});
