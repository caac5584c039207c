import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { CliResult, errorLines, runCli } from '../helpers/cli';
import { takeBackup } from '../helpers/flows';
import { createKanbuDatabase, rowCounts, tableChecksum } from '../helpers/kanbu-fixture';
import { legacyEncrypt } from '../helpers/legacy-file';
import { databaseUrl, trackDatabase, withPg } from '../../scripts/lib/services';
import { startStack, TestStack } from '../../scripts/lib/stack';

const KEY = 'cli restore passphrase';
const LEGACY_KEY = 'the passphrase of the old kanbu backup function';

function ok(result: CliResult): CliResult {
  assert.equal(result.code, 0, `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

describe('kanbu-backup restore', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let source: { name: string; url: string };
  let work: string;

  before(async () => {
    source = await createKanbuDatabase(400);
    work = await mkdtemp(join(tmpdir(), 'kbt-cli-restore-'));
    stack = await startStack({
      env: { DATABASE_URL: source.url, BACKUP_ENCRYPTION_KEY: KEY, BACKUP_ENCRYPTION_OLD_KEYS: LEGACY_KEY },
      workerQueues: ['backup'],
    });
  });
  after(async () => {
    await stack?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('refuses to restore without confirmation when it cannot ask, and changes nothing', async () => {
    const backup = await takeBackup(stack);
    await withPg(source.url, (c) => c.query(`UPDATE tasks SET done = NOT done WHERE id <= 10`));
    const before = await tableChecksum(source.url, 'tasks');
    const run = await runCli(['restore', backup.id], stack.env);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /This will replace ALL current data in the database/);
    assert.match(errorLines(run).join('\n'), /refusing to restore without confirmation: not a terminal; pass --yes/);
    assert.equal(await tableChecksum(source.url, 'tasks'), before);
  });

  it('restores a catalog backup in-process with --yes, recorded as a cli restore', async () => {
    const atBackup = await tableChecksum(source.url, 'tasks');
    const backup = await takeBackup(stack);
    await withPg(source.url, (c) => c.query(`DELETE FROM tasks WHERE id > 50`));
    const run = ok(await runCli(['restore', backup.id, '--yes', '--drop-previous'], stack.env));
    assert.match(run.stdout, /Restore [0-9a-f-]{36} completed/);
    assert.match(run.stderr, /restore completed\s+100%/);
    assert.equal(await tableChecksum(source.url, 'tasks'), atBackup);
    const executions = await stack.runtime.executions.list({ page: 1, pageSize: 5, kind: 'restore' });
    assert.equal(executions.items[0].trigger, 'cli');
    assert.equal(executions.items[0].status, 'completed');
    assert.equal(executions.items[0].backupId, backup.id);
  });

  it("restores a file in the legacy format of Kanbu's earlier backup function into a new database", async () => {
    const dump = spawnSync('pg_dump', ['--no-owner', '--no-privileges', '-d', source.url]);
    assert.equal(dump.status, 0, String(dump.stderr));
    const file = join(work, 'kanbu_backup_2025-12-01T02-00-00-000Z.sql.gz.enc');
    await writeFile(file, legacyEncrypt(gzipSync(dump.stdout), LEGACY_KEY));
    const target = `${source.name}_from_legacy`;
    trackDatabase(target);
    ok(await runCli(['restore', file, '--target-database', target, '--yes'], stack.env));
    assert.deepEqual(await rowCounts(databaseUrl(target)), await rowCounts(source.url));
    assert.equal(await tableChecksum(databaseUrl(target), 'tasks'), await tableChecksum(source.url, 'tasks'));
  });

  it('refuses a tampered legacy file before creating anything', async () => {
    const dump = spawnSync('pg_dump', ['--no-owner', '--no-privileges', '-d', source.url]);
    const bytes = legacyEncrypt(gzipSync(dump.stdout), LEGACY_KEY);
    bytes[100] ^= 1;
    const file = join(work, 'kanbu_backup_2025-12-02T02-00-00-000Z.sql.gz.enc');
    await writeFile(file, bytes);
    const target = `${source.name}_tampered`;
    const run = await runCli(['restore', file, '--target-database', target, '--yes'], stack.env);
    assert.equal(run.code, 1);
    assert.equal(errorLines(run).length, 1, run.stderr);
    const exists = await withPg(databaseUrl('postgres'), (c) => c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [target]));
    assert.equal(exists.rowCount, 0);
  });

  it('explains what it needs when the type of a file cannot be told', async () => {
    const run = await runCli(['restore', join(work, 'some-dump.bin'), '--yes'], stack.env);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /pass --type database\|source/);
  });
});
