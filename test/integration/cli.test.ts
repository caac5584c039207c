import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseEncryptionKey } from '../../shared/engine/crypto/encryption-key';
import { backupLockResource } from '../../shared/queue/locks';
import { CliResult, errorLines, runCli } from '../helpers/cli';
import { createKanbuDatabase, rowCounts, tableChecksum } from '../helpers/kanbu-fixture';
import { legacyEncrypt } from '../helpers/legacy-file';
import { createDatabase, databaseUrl } from '../../scripts/lib/services';
import { startStack, TestStack } from '../../scripts/lib/stack';

const OLD_KEY = 'cli test passphrase one';
const NEW_KEY = 'b2'.repeat(32);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function ok(result: CliResult): CliResult {
  assert.equal(result.code, 0, `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

/** A failure is one clear line on stderr with a non-zero exit code, never a stack trace. */
function failed(result: CliResult, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, `stdout: ${result.stdout}\nstderr: ${result.stderr}`);
  const lines = errorLines(result);
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], pattern);
  assert.equal(/\n\s+at /.test(result.stderr), false, 'no stack trace');
}

describe('kanbu-backup CLI', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let kanbu: { name: string; url: string };
  let env: Record<string, string>;

  before(async () => {
    kanbu = await createKanbuDatabase(800);
    stack = await startStack({
      env: { DATABASE_URL: kanbu.url, BACKUP_ENCRYPTION_KEY: OLD_KEY, KANBU_SOURCE_PATH: join(__dirname, '../../../shared') },
      workerQueues: ['backup'],
    });
    env = stack.env;
  });
  after(() => stack?.close());

  it('backs up the database in-process, recorded in the catalog with trigger cli', async () => {
    const run = ok(await runCli(['backup', 'database'], env));
    const id = UUID.exec(run.stdout)?.[0];
    assert.ok(id, run.stdout);
    const backup = await stack.runtime.backups.findById(id);
    assert.equal(backup?.status, 'completed');
    assert.equal(backup?.trigger, 'cli');
    assert.equal(backup?.encryptionKeyId, parseEncryptionKey(OLD_KEY).id);
    assert.match(run.stdout, new RegExp(`file\\s+${join(stack.backupDir, backup!.filename).replace(/\./g, '\\.')}`));
    const execution = await stack.runtime.executions.findById(backup!.executionId!);
    assert.equal(execution?.status, 'completed');
    assert.equal(execution?.trigger, 'cli');
    assert.equal(execution?.backupId, id);
    assert.match(run.stderr, /backup completed\s+100%/, 'plain progress lines when stderr is not a terminal');

    const prunes = (await stack.runtime.executions.list({ page: 1, pageSize: 10, kind: 'prune' })).items;
    assert.equal(prunes.length, 1, 'retention is queued after the backup, as a worker does');
    assert.equal(prunes[0].trigger, 'system');
    const job = await stack.runtime.queues.get('prune').getJob(prunes[0].jobId!);
    assert.deepEqual({ type: job?.data.type, scheduleId: job?.data.scheduleId }, { type: 'database', scheduleId: null });
    assert.equal(await stack.runtime.locks.remainingMs(backupLockResource(stack.runtime.config, 'database')!), null, 'the lock was released');
  });

  it('refuses an in-process backup while a backup or restore of the database holds its lock: one line, exit 75, nothing written', async () => {
    const resource = backupLockResource(stack.runtime.config, 'database')!;
    const lock = await stack.runtime.locks.tryAcquire(resource);
    assert.ok(lock);
    const count = async () => ({
      backups: (await stack.runtime.backups.list({ page: 1, pageSize: 1, sort: 'createdAt', order: 'ASC' })).total,
      executions: (await stack.runtime.executions.list({ page: 1, pageSize: 1 })).total,
      files: (await readdir(stack.backupDir)).length,
    });
    const before = await count();
    try {
      const run = await runCli(['backup', 'database'], env);
      failed(
        run,
        75,
        new RegExp(
          `^kanbu-backup backup: error: ${resource.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is locked: a backup or restore of it is running; .*use --queue`,
        ),
      );
      assert.deepEqual(await count(), before, 'no backup row, no execution (so no prune either), no file');
      assert.ok((await stack.runtime.locks.remainingMs(resource)) !== null, 'the holder keeps its lock');
    } finally {
      await lock.release();
    }
  });

  it('backs up the code base through the queue and waits for the worker', async () => {
    const run = ok(await runCli(['backup', 'source', '--queue'], env));
    assert.match(run.stdout, /Queued backup job/);
    const id = UUID.exec(run.stdout.split('\n').find((l) => l.startsWith('Backup'))!)?.[0];
    const backup = await stack.runtime.backups.findById(id!);
    assert.equal(backup?.type, 'source');
    assert.equal(backup?.trigger, 'cli');
    assert.match(backup!.filename, /^kanbu_source_.*\.tar\.gz\.enc$/);
  });

  it('lists the backups, as a table and as JSON', async () => {
    const table = ok(await runCli(['list'], env));
    assert.match(table.stdout.split('\n')[0], /^CREATED \(UTC\)\s+TYPE\s+STATUS\s+SIZE\s+KEY\s+VERIFIED\s+ID\s+FILE$/);
    assert.equal(table.stdout.trim().split('\n').length, 3);
    const json = JSON.parse(ok(await runCli(['list', '--json', '--type', 'database'], env)).stdout);
    assert.equal(json.length, 1);
    assert.equal(json[0].type, 'database');
  });

  it('verifies every copy of a catalog backup against the catalog checksum, and records it like the worker does', async () => {
    const [backup] = (await stack.runtime.backups.list({ page: 1, pageSize: 1, sort: 'createdAt', order: 'ASC', type: 'database' })).items;
    const run = ok(await runCli(['verify', backup.id], env));
    const name = backup.filename.replace(/\./g, '\\.');
    const recorded = new RegExp(
      `^OK ${name}: its copy \\(local\\) decrypted, checked and decompressed, sha256 ${backup.checksum} matches the catalog; recorded in the catalog \\(execution ([0-9a-f-]{36})\\)\n$`,
    );
    const executionId = recorded.exec(run.stdout)?.[1];
    assert.ok(executionId, run.stdout);

    const verified = await stack.runtime.backups.findById(backup.id);
    assert.equal(verified?.verificationStatus, 'verified');
    assert.ok(verified!.verifiedAt && verified!.verifiedAt.getTime() > backup.createdAt.getTime());
    assert.deepEqual(verified!.verificationDetails, { mode: 'checksum', copies: [{ target: 'local', ok: true }] });
    const [copy] = await stack.runtime.copies.forBackup(backup.id);
    assert.equal(copy.status, 'completed');
    assert.ok(copy.checkedAt, 'the copy check is recorded');
    const execution = await stack.runtime.executions.findById(executionId);
    assert.equal(execution?.kind, 'verify');
    assert.equal(execution?.trigger, 'cli');
    assert.equal(execution?.status, 'completed');
    assert.equal(execution?.backupId, backup.id);

    assert.match(ok(await runCli(['verify', backup.filename], env)).stdout, recorded, 'by file name, the same use case');
  });

  it('verifies a file outside the catalog read-only, and says so', async () => {
    const [backup] = (await stack.runtime.backups.list({ page: 1, pageSize: 1, sort: 'createdAt', order: 'ASC', type: 'database' })).items;
    const outside = join(await mkdtemp(join(tmpdir(), 'kbt-cli-verify-')), backup.filename);
    await copyFile(join(stack.backupDir, backup.filename), outside);
    const before = await stack.runtime.backups.findById(backup.id);
    const run = ok(await runCli(['verify', outside], env));
    assert.match(
      run.stdout,
      new RegExp(
        `^OK ${backup.filename.replace(/\./g, '\\.')}: format v2, key ${backup.encryptionKeyId}, gzip, .*sha256 ${backup.checksum} \\(a file outside the catalog: decoded read-only, no checksum to compare, nothing recorded\\)\n$`,
      ),
    );
    const after = await stack.runtime.backups.findById(backup.id);
    assert.equal(after?.verifiedAt?.getTime(), before?.verifiedAt?.getTime(), 'nothing recorded');
  });

  it('decrypt | gunzip | psql is the manual restore path, with nothing configured but the key', async () => {
    const [backup] = (await stack.runtime.backups.list({ page: 1, pageSize: 1, sort: 'createdAt', order: 'ASC', type: 'database' })).items;
    const target = await createDatabase('kbt_cli_manual');
    const file = join(stack.backupDir, backup.filename);
    const shell = spawnSync(
      'bash',
      [
        '-c',
        `set -o pipefail; node "$1" decrypt "$2" | gunzip | psql -X -q -v ON_ERROR_STOP=1 -d "$3" >/dev/null`,
        'bash',
        join(__dirname, '../../services/cli/main.js'),
        file,
        target.url,
      ],
      {
        env: { PATH: process.env.PATH, BACKUP_ENCRYPTION_KEY: OLD_KEY },
        encoding: 'utf8',
      },
    );
    assert.equal(shell.status, 0, shell.stderr);
    assert.match(shell.stderr, new RegExp(`decrypted \\(format v2, key ${backup.encryptionKeyId}\\): \\d+ bytes, sha256 ${backup.checksum}`));
    assert.deepEqual(await rowCounts(target.url), await rowCounts(kanbu.url));
    assert.equal(await tableChecksum(target.url, 'tasks'), await tableChecksum(kanbu.url, 'tasks'));
  });

  it('decrypts a legacy file from stdin into a file that appears only when complete', async () => {
    const compressed = gzipSync(Buffer.from('SELECT 1;\n'.repeat(10_000)));
    const out = join(stack.backupDir, '..', `kbt-cli-out-${process.pid}.sql.gz`);
    try {
      const run = ok(
        await runCli(['decrypt', '-', '-o', out], { BACKUP_ENCRYPTION_KEY: NEW_KEY, BACKUP_ENCRYPTION_OLD_KEYS: OLD_KEY }, legacyEncrypt(compressed, OLD_KEY)),
      );
      assert.match(run.stderr, /stdin decrypted \(legacy format, key [0-9a-f]{16}\)/);
      assert.deepEqual(await readFile(out), compressed);
      failed(
        await runCli(['decrypt', '-', '-o', out], { BACKUP_ENCRYPTION_KEY: OLD_KEY }, legacyEncrypt(compressed, OLD_KEY)),
        1,
        /already exists; not overwriting it/,
      );
    } finally {
      await rm(out, { force: true });
    }
  });

  it('reports a wrong key, a tampered file and a checksum mismatch as one line with exit code 1', async () => {
    const [backup] = (await stack.runtime.backups.list({ page: 1, pageSize: 1, sort: 'createdAt', order: 'ASC', type: 'database' })).items;
    const file = join(stack.backupDir, backup.filename);
    const wrongKey = await runCli(['decrypt', file, '-o', `${file}.out`], { BACKUP_ENCRYPTION_KEY: 'some unrelated key' });
    failed(
      wrongKey,
      1,
      new RegExp(`^kanbu-backup decrypt: error: Wrong key: this backup was encrypted with key ${backup.encryptionKeyId}, which is not configured`),
    );

    const original = await readFile(file);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 40] ^= 0x01;
    await writeFile(file, tampered);
    try {
      failed(
        await runCli(['verify', backup.id], env),
        1,
        /^kanbu-backup verify: error: Verification of \S+ failed: local: Encrypted backup is corrupted, truncated or was modified: the final chunk failed authentication$/,
      );
      const rejected = await stack.runtime.backups.findById(backup.id);
      assert.equal(rejected?.verificationStatus, 'failed', 'the failed verification is recorded');
      assert.match(rejected?.verificationError ?? '', /local: Encrypted backup is corrupted/);
      assert.equal((await stack.runtime.copies.forBackup(backup.id))[0].status, 'corrupt');
    } finally {
      await writeFile(file, original);
    }

    await stack.runtime.dataSource.query(`UPDATE backup SET checksum = $1 WHERE id = $2`, ['0'.repeat(64), backup.id]);
    try {
      failed(await runCli(['verify', backup.id], env), 1, /^kanbu-backup verify: error: Verification of \S+ failed: local: Checksum mismatch/);
    } finally {
      await stack.runtime.dataSource.query(`UPDATE backup SET checksum = $1 WHERE id = $2`, [backup.checksum, backup.id]);
    }
    // Repaired: verifying again records the copy good and the backup verified.
    ok(await runCli(['verify', backup.id], env));
    assert.equal((await stack.runtime.backups.findById(backup.id))?.verificationStatus, 'verified');
    assert.equal((await stack.runtime.copies.forBackup(backup.id))[0].status, 'completed');
  });

  describe('rotate-keys', function () {
    // Six CLI processes: at load 25 each takes 20 s to start.
    this.timeout(300_000);
    // Its own catalog and backup directory, so it sees exactly the two backups it made, whatever ran before.
    let own: TestStack;
    before(async () => {
      own = await startStack({ env: { DATABASE_URL: kanbu.url, BACKUP_ENCRYPTION_KEY: OLD_KEY, KANBU_SOURCE_PATH: join(__dirname, '../../../shared') } });
      ok(await runCli(['backup', 'database'], own.env));
      ok(await runCli(['backup', 'source'], own.env));
    });
    after(() => own?.close());

    it('rotates every encrypted backup to the new key, verified, and the old key is no longer needed', async () => {
      const rotateEnv = { ...own.env, BACKUP_ENCRYPTION_KEY: NEW_KEY, BACKUP_ENCRYPTION_OLD_KEYS: OLD_KEY };
      const plan = ok(await runCli(['rotate-keys', '--dry-run'], rotateEnv));
      assert.match(plan.stdout, /2 backup\(s\) would be re-encrypted/);
      const before = (await own.runtime.backups.list({ page: 1, pageSize: 10, sort: 'createdAt', order: 'ASC' })).items;

      const run = ok(await runCli(['rotate-keys'], rotateEnv));
      assert.match(run.stdout, /2 re-encrypted, 0 failed/);
      const newId = parseEncryptionKey(NEW_KEY).id;
      for (const old of before) {
        const now = (await own.runtime.backups.findById(old.id))!;
        assert.equal(now.encryptionKeyId, newId);
        assert.equal(now.checksum, old.checksum, 'the compressed bytes are the same');
        const stored = await readFile(join(own.backupDir, now.filename));
        assert.equal(stored.length, now.sizeBytes);
        assert.equal(stored.subarray(30, 38).toString('hex'), newId, 'the header names the new key');
        const decrypted = spawnSync(process.execPath, [join(__dirname, '../../services/cli/main.js'), 'decrypt', join(own.backupDir, now.filename)], {
          env: { PATH: process.env.PATH, BACKUP_ENCRYPTION_KEY: NEW_KEY },
          maxBuffer: 64 * 1024 * 1024,
        });
        assert.equal(decrypted.status, 0, decrypted.stderr.toString());
        assert.equal(sha256(decrypted.stdout), old.checksum);
      }
      assert.deepEqual((await readdir(own.backupDir)).sort(), before.map((b) => b.filename).sort(), 'no staged copies left behind');
      assert.match(
        ok(await runCli(['rotate-keys', '--dry-run'], { ...own.env, BACKUP_ENCRYPTION_KEY: NEW_KEY })).stdout,
        /^0 backup\(s\) would be re-encrypted/m,
      );
    });
  });

  it('fails a backup clearly, records why, and exits non-zero', async () => {
    const run = await runCli(['backup', 'database'], { ...env, DATABASE_URL: databaseUrl('kbt_cli_missing_db'), BACKUP_PG_MODE: 'direct' });
    failed(run, 1, /^kanbu-backup backup: error: pg_dump exited with code 1: .*database "kbt_cli_missing_db" does not exist$/);
    // Failed verifications of earlier tests are in the catalog too: only backups count here.
    const failedRows = (await stack.runtime.executions.list({ page: 1, pageSize: 50, status: 'failed' })).items.filter((e) => e.kind === 'backup');
    assert.equal(failedRows.length, 1);
    assert.equal(failedRows[0].trigger, 'cli');
    assert.match(failedRows[0].error ?? '', /does not exist/);
  });

  it('answers bad usage with exit code 2 and the usage line', async () => {
    const badType = await runCli(['backup', 'everything'], env);
    assert.equal(badType.code, 2);
    assert.match(badType.stderr, /the backup type must be one of: database, source \(got "everything"\)[\s\S]*Usage: kanbu-backup backup database\|source/);
    assert.equal((await runCli(['frobnicate'], env)).code, 2);
    assert.equal((await runCli(['list', '--bogus'], env)).code, 2);
    const help = ok(await runCli(['--help'], {}));
    for (const command of ['backup', 'list', 'verify', 'decrypt', 'rotate-keys']) assert.match(help.stdout, new RegExp(`\\n  ${command} `));
  });
});
