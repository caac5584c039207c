import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { parsePostgresUrl } from '../../shared/config/postgres-url';
import { takeBackup, requestRestore, waitForExecution } from '../helpers/flows';
import { http } from '../helpers/http';
import { createKanbuDatabase, rowCounts, tableChecksum } from '../helpers/kanbu-fixture';
import { databaseUrl, trackDatabase, withPg } from '../../scripts/lib/services';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

const TABLES = ['users', 'projects', 'tasks'];

async function checksums(url: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of TABLES) out[t] = await tableChecksum(url, t);
  return out;
}

async function databases(prefix: string): Promise<string[]> {
  return withPg(databaseUrl('postgres'), async (c) =>
    (await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY 1`, [`${prefix}%`])).rows.map((r) => r.datname),
  );
}

async function flipByte(path: string, offset: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const buf = Buffer.alloc(1);
    await handle.read(buf, 0, 1, offset);
    buf[0] ^= 0xff;
    await handle.write(buf, 0, 1, offset);
  } finally {
    await handle.close();
  }
}

describe('restore (real PostgreSQL)', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let source: { name: string; url: string };

  before(async () => {
    source = await createKanbuDatabase(1500);
    stack = await startStack({
      env: { DATABASE_URL: source.url, BACKUP_ENCRYPTION_KEY: 'restore test passphrase' },
      workerQueues: ['backup', 'restore', 'verify'],
    });
  });
  after(async () => {
    await stack?.close();
    for (const name of await databases(source.name)) trackDatabase(name);
  });

  it('brings the data back to the backup moment, keeps the replaced database and a pre-restore backup of it', async () => {
    const atBackup = await checksums(source.url);
    const backup = await takeBackup(stack);

    await withPg(source.url, async (c) => {
      await c.query(`UPDATE tasks SET title = 'changed after the backup' WHERE id <= 100`);
      await c.query(`DELETE FROM tasks WHERE id > 1400`);
      await c.query(`INSERT INTO users (email, name) VALUES ('late@kanbu.test', 'Late')`);
    });
    const modified = await checksums(source.url);
    assert.notDeepEqual(modified, atBackup);

    const executionId = await requestRestore(stack, backup.id);
    const execution = await waitForExecution(stack, executionId);
    assert.equal(execution.status, 'completed', execution.error ?? '');
    assert.deepEqual(await checksums(source.url), atBackup, 'live data equals the backup moment');
    assert.deepEqual(await rowCounts(source.url), { projects: 10, tasks: 1500, users: 20 });

    const details = execution.details as { tables: number; rows: Record<string, number>; previousDatabase: string; preRestoreBackupId: string };
    assert.equal(details.tables, 3);
    assert.equal(details.rows['public.tasks'], 1500);
    assert.match(details.previousDatabase, new RegExp(`^${source.name}_pre_restore_\\d{8}_\\d{6}$`));
    assert.deepEqual(await checksums(databaseUrl(details.previousDatabase)), modified, 'the replaced database is kept untouched');

    const pre = await stack.runtime.backups.findById(details.preRestoreBackupId);
    assert.equal(pre?.purpose, 'pre_restore');
    assert.equal(pre?.status, 'completed');
    assert.ok(pre!.protectedUntil! > new Date(Date.now() + 6 * 24 * 3600 * 1000), 'protected for BACKUP_PRE_RESTORE_KEEP_DAYS');

    // The pre-restore backup holds the modified data: restore it into a new database and compare.
    const inspect = `${source.name}_inspect`;
    const inspectExecution = await waitForExecution(stack, await requestRestore(stack, pre!.id, { targetDatabase: inspect }));
    assert.equal(inspectExecution.status, 'completed', inspectExecution.error ?? '');
    trackDatabase(inspect);
    assert.deepEqual(await checksums(databaseUrl(inspect)), modified);
    assert.deepEqual(await checksums(source.url), atBackup, 'a targetDatabase restore does not touch the live database');

    // Drop the kept database through the API.
    const drop = await http('DELETE', `${stack.baseUrl}/api/restores/${executionId}/previous`, { token: ADMIN_KEY });
    assert.equal(drop.status, 202, drop.text);
    assert.equal((await waitForExecution(stack, drop.body.executionId)).status, 'completed');
    assert.deepEqual(await databases(details.previousDatabase), []);
    const again = await http('DELETE', `${stack.baseUrl}/api/restores/${executionId}/previous`, { token: ADMIN_KEY });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'NO_PREVIOUS_DATABASE');
  });

  it('refuses a corrupted file before touching the database, and says why', async () => {
    const backup = await takeBackup(stack);
    await withPg(source.url, (c) => c.query(`UPDATE users SET name = 'after the corrupted backup' WHERE id = 1`));
    const before = await checksums(source.url);
    await flipByte(join(stack.backupDir, backup.filename), 200);
    const preRestoreBackups = async () =>
      Number((await stack.runtime.dataSource.query(`SELECT count(*) AS n FROM "backup" WHERE "purpose" = 'pre_restore'`))[0].n);
    const preBefore = await preRestoreBackups();

    const execution = await waitForExecution(stack, await requestRestore(stack, backup.id));
    assert.equal(execution.status, 'failed');
    assert.match(execution.error ?? '', /corrupted, truncated or was modified/);
    assert.equal(await preRestoreBackups(), preBefore, 'no pre-restore backup for a restore refused because the file is corrupt');
    assert.deepEqual(await checksums(source.url), before, 'the live database is unchanged');
    assert.deepEqual(await databases(`${source.name}_restore_`), [], 'no temporary database is left');
  });

  it('terminates connected clients and succeeds', async () => {
    const backup = await takeBackup(stack);
    const client = new Client({ connectionString: source.url });
    await client.connect();
    const errors: Error[] = [];
    client.on('error', (err) => errors.push(err));
    await client.query('BEGIN');
    await client.query('SELECT count(*) FROM tasks');
    const execution = await waitForExecution(stack, await requestRestore(stack, backup.id, { keepPrevious: false }));
    assert.equal(execution.status, 'completed', execution.error ?? '');
    await assert.rejects(client.query('SELECT 1'));
    await client.end().catch(() => undefined);
    const details = execution.details as { previousDatabase: string | null; swap: { previous: string } };
    assert.equal(details.previousDatabase, null, 'keepPrevious=false drops the replaced database');
    assert.deepEqual(await databases(details.swap.previous), []);
  });

  describe('confirmation tokens', () => {
    let backupId: string;
    before(async () => {
      backupId = (await takeBackup(stack)).id;
    });

    async function confirm(body: unknown, id = backupId) {
      return http('POST', `${stack.baseUrl}/api/backups/${id}/restore/confirm`, { token: ADMIN_KEY, body });
    }

    async function ask() {
      const res = await http('POST', `${stack.baseUrl}/api/backups/${backupId}/restore`, { token: ADMIN_KEY, body: {} });
      assert.equal(res.status, 200);
      return res.body;
    }

    it('shows the warnings, the backup and a token', async () => {
      const body = await ask();
      assert.equal(body.backup.id, backupId);
      assert.match(body.warnings[0], /This will replace ALL current data/);
      assert.match(body.warnings[1], /A pre-restore backup will be created/);
      assert.ok(body.confirmation.token.length >= 32);
      assert.equal(body.target.database, parsePostgresUrl(source.url).database);
    });

    it('refuses a missing, wrong, reused or expired token, and queues nothing', async () => {
      const restoreQueue = stack.runtime.queues.get('restore');
      const queuedBefore = await restoreQueue.getJobCounts();
      const missing = await confirm({});
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error.code, 'VALIDATION_FAILED');
      const wrong = await confirm({ token: 'not-a-real-token' });
      assert.equal(wrong.status, 409);
      assert.equal(wrong.body.error.code, 'RESTORE_TOKEN_INVALID');

      const { confirmation } = await ask();
      const otherBackup = await confirm({ token: confirmation.token }, '00000000-0000-4000-8000-000000000000');
      assert.equal(otherBackup.status, 409, 'a token only confirms the backup it was issued for');

      // Expiry is Redis' TTL on the token: check it is the configured one, then let it run out now instead of waiting.
      const { redis, config } = stack.runtime;
      const tokenKeys = () => redis.keys(`${config.BACKUP_QUEUE_PREFIX}:restore-confirmation:*`);
      const issuedBefore = new Set(await tokenKeys());
      const { confirmation: fresh } = await ask();
      const [freshKey, ...others] = (await tokenKeys()).filter((k) => !issuedBefore.has(k));
      assert.ok(freshKey && others.length === 0, 'one token stored');
      const ttl = await redis.ttl(freshKey);
      assert.ok(ttl > config.BACKUP_RESTORE_CONFIRM_TTL_SECONDS - 60 && ttl <= config.BACKUP_RESTORE_CONFIRM_TTL_SECONDS, `TTL ${ttl} s`);
      await redis.pexpire(freshKey, 1);
      await waitFor(async () => ((await redis.exists(freshKey)) === 0 ? true : undefined), 'the token to expire');
      const expired = await confirm({ token: fresh.token });
      assert.equal(expired.status, 409);
      assert.equal(expired.body.error.code, 'RESTORE_TOKEN_INVALID');
      assert.deepEqual(await restoreQueue.getJobCounts(), queuedBefore);

      const { confirmation: once } = await ask();
      const first = await confirm({ token: once.token });
      assert.equal(first.status, 202);
      const reused = await confirm({ token: once.token });
      assert.equal(reused.status, 409);
      assert.equal((await waitForExecution(stack, first.body.executionId)).status, 'completed');
    });

    it('validates the restore options', async () => {
      const res = await http('POST', `${stack.baseUrl}/api/backups/${backupId}/restore`, {
        token: ADMIN_KEY,
        body: { targetDatabase: 'x"; DROP DATABASE kanbu; --' },
      });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    });
  });
});
