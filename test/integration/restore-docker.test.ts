import assert from 'node:assert/strict';
import { requestRestore, takeBackup, waitForExecution } from '../helpers/flows';
import { createFakeDocker, FakeDocker } from '../helpers/fake-docker';
import { createKanbuDatabase, tableChecksum } from '../helpers/kanbu-fixture';
import { withPg } from '../../scripts/lib/services';
import { BASE_ENV } from '../helpers/config';
import { loadConfig } from '../../shared/config';
import { createPostgresExecutor } from '../../shared/engine/postgres/postgres-executor-factory';
import { backupLockResource } from '../../shared/queue/locks';

const PASSWORD = 'pw-only-in-env-4711';
import { startStack, TestStack } from '../../scripts/lib/stack';

function withPassword(url: string): string {
  const u = new URL(url);
  u.password = PASSWORD;
  return u.toString();
}

describe('restore in docker mode (a fake docker CLI first on PATH)', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let fake: FakeDocker;
  let source: { name: string; url: string };
  const originalPath = process.env.PATH;

  before(async () => {
    source = await createKanbuDatabase(300);
    fake = await createFakeDocker({ running: { 'kanbu-postgres': true } });
    process.env.PATH = `${fake.dir}:${originalPath}`;
    stack = await startStack({
      // Trust auth on the test server accepts any password: this one only proves where it travels.
      env: {
        BACKUP_PG_MODE: 'docker',
        POSTGRES_CONTAINER: 'kanbu-postgres',
        DATABASE_URL: withPassword(source.url),
        BACKUP_ENCRYPTION_KEY: 'docker restore key',
      },
      workerQueues: ['backup', 'restore'],
    });
  });
  after(async () => {
    process.env.PATH = originalPath;
    await stack?.close();
    await fake?.remove();
  });

  it('backs up and restores through docker exec, with the password never in any argv', async () => {
    const atBackup = await tableChecksum(source.url, 'tasks');
    const backup = await takeBackup(stack);
    await withPg(source.url, (c) => c.query(`DELETE FROM tasks WHERE id > 100`));
    const execution = await waitForExecution(stack, await requestRestore(stack, backup.id, { keepPrevious: false }));
    assert.equal(execution.status, 'completed', execution.error ?? '');
    assert.equal(await tableChecksum(source.url, 'tasks'), atBackup);

    const calls = await fake.calls();
    assert.ok(
      calls.some((c) => /^exec -i -e PGUSER -e PGDATABASE -e PGAPPNAME -e PGPASSWORD kanbu-postgres psql /.test(c)),
      calls.join('\n'),
    );
    assert.ok(calls.some((c) => c.startsWith('exec -e PGUSER -e PGDATABASE -e PGAPPNAME -e PGPASSWORD kanbu-postgres pg_dump ')));
    assert.equal(
      calls.some((c) => c.includes(PASSWORD)),
      false,
      'no argv holds the password',
    );
    assert.ok(
      (await fake.execEnvs()).every((env) => env.includes(`PGPASSWORD=${PASSWORD}`)),
      'every exec got it through the environment',
    );
  });
});

describe('docker mode without DATABASE_URL', function () {
  let fake: FakeDocker;
  const originalPath = process.env.PATH;
  before(async () => {
    fake = await createFakeDocker({ running: { 'kanbu-postgres': true }, env: { 'kanbu-postgres': ['POSTGRES_USER=kanbu', 'POSTGRES_DB=kanbu_prod'] } });
    process.env.PATH = `${fake.dir}:${originalPath}`;
  });
  after(async () => {
    process.env.PATH = originalPath;
    await fake?.remove();
  });

  it('restores the database backups dump: the container POSTGRES_DB, not "postgres"', async () => {
    const config = loadConfig({ ...BASE_ENV, BACKUP_PG_MODE: 'docker', POSTGRES_CONTAINER: 'kanbu-postgres' });
    const executor = await createPostgresExecutor(config);
    assert.equal(executor.database, 'kanbu_prod');
    assert.equal(backupLockResource(config, 'database'), 'db:docker:kanbu-postgres', 'backups and restores still share a lock');
  });
});
