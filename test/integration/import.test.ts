import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli';
import { requestRestore, takeBackup, waitForExecution } from '../helpers/flows';
import { http } from '../helpers/http';
import { createKanbuDatabase, rowCounts, tableChecksum } from '../helpers/kanbu-fixture';
import { legacyEncrypt } from '../helpers/legacy-file';
import { databaseUrl, trackDatabase } from '../../scripts/lib/services';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';

const KEY = 'import test passphrase';

describe("kanbu-backup import: adopting Kanbu's earlier backup files", function () {
  this.timeout(180_000);
  let stack: TestStack;
  let source: { name: string; url: string };
  let replicaDir: string;
  const api = (method: string, path: string, body?: unknown) => http(method, `${stack.baseUrl}${path}`, { token: ADMIN_KEY, body });
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  let compressed: Buffer;

  before(async () => {
    source = await createKanbuDatabase(200);
    replicaDir = await mkdtemp(join(tmpdir(), 'kbt-import-replica-'));
    stack = await startStack({
      env: { DATABASE_URL: source.url, BACKUP_ENCRYPTION_KEY: KEY, BACKUP_REPLICAS: 'local:second', BACKUP_LOCAL_SECOND_PATH: replicaDir },
      workerQueues: ['backup', 'verify', 'restore', 'prune'],
    });
    const dump = spawnSync('pg_dump', ['--no-owner', '--no-privileges', '-d', source.url]);
    assert.equal(dump.status, 0, String(dump.stderr));
    compressed = gzipSync(dump.stdout);
    // What Kanbu's own backup function left in /data/backups: legacy encryption, plain gzip, and its source archives.
    await writeFile(join(stack.backupDir, 'kanbu_backup_2025-11-02T03-00-00.sql.gz.enc'), legacyEncrypt(compressed, KEY));
    await writeFile(join(stack.backupDir, 'kanbu_backup_2025-11-01T03-00-00-123Z.sql.gz'), compressed);
    await writeFile(join(stack.backupDir, 'notes.txt'), 'not a backup');
  });
  after(async () => {
    await stack?.close();
    await rm(replicaDir, { recursive: true, force: true });
  });

  it('adds the unknown files as completed backups without a checksum; a second run adds nothing', async () => {
    const own = await takeBackup(stack);
    const first = await runCli(['import', '--json'], stack.env);
    assert.equal(first.code, 0, first.stderr);
    const result = JSON.parse(first.stdout);
    assert.deepEqual(
      result.added.map((a: { filename: string }) => a.filename),
      ['kanbu_backup_2025-11-01T03-00-00-123Z.sql.gz', 'kanbu_backup_2025-11-02T03-00-00.sql.gz.enc'],
    );
    assert.equal(result.alreadyKnown, 1, 'the backup this service took is known');
    assert.equal(result.ignored, 1);
    assert.deepEqual(result.collisions, []);

    const listed = await api('GET', '/api/backups?pageSize=10&sort=date&order=asc');
    const legacy = listed.body.items.find((b: { filename: string; id: string }) => b.filename.endsWith('.sql.gz.enc') && b.id !== own.id);
    assert.equal(legacy.status, 'completed');
    assert.equal(legacy.verificationStatus, 'no_checksum');
    assert.equal(legacy.checksum, null);
    assert.equal(legacy.type, 'database');
    assert.equal(new Date(legacy.createdAt).toISOString(), '2025-11-02T03:00:00.000Z', 'the time comes from the name');
    assert.equal(legacy.sizeBytes, compressed.length + 32, 'IV and tag around the ciphertext');

    const again = await runCli(['import'], stack.env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /local: added 0, already known 3, collisions 0, other objects 1/);

    // A replica holding a file under a catalogued name is reported, not adopted or overwritten.
    await writeFile(join(replicaDir, 'kanbu_backup_2025-11-01T03-00-00-123Z.sql.gz'), 'something else');
    const collision = await runCli(['import', '--target', 'local:second'], stack.env);
    assert.equal(collision.code, 0, collision.stderr);
    assert.match(collision.stdout, /collision {2}kanbu_backup_2025-11-01T03-00-00-123Z\.sql\.gz: the catalog has another backup/);
    const unknownTarget = await runCli(['import', '--target', 'nowhere'], stack.env);
    assert.equal(unknownTarget.code, 1);
    assert.match(unknownTarget.stderr, /No storage target named "nowhere"/);
  });

  it('a verification of an imported backup records its checksum; it then restores', async () => {
    const legacy = (await stack.runtime.backups.findByFilename('kanbu_backup_2025-11-02T03-00-00.sql.gz.enc'))!;
    const queued = await api('POST', `/api/backups/${legacy.id}/verify`, { mode: 'checksum' });
    assert.equal(queued.status, 202, queued.text);
    const verified = await waitForExecution(stack, queued.body.executionId);
    assert.equal(verified.status, 'completed', verified.error ?? '');
    const after = (await stack.runtime.backups.findById(legacy.id))!;
    assert.equal(after.verificationStatus, 'verified');
    assert.equal(after.checksum, sha256(compressed), 'the SHA-256 of the compressed plaintext');

    const target = `${source.name}_imported`;
    const restored = await waitForExecution(stack, await requestRestore(stack, legacy.id, { targetDatabase: target }));
    trackDatabase(target);
    assert.equal(restored.status, 'completed', restored.error ?? '');
    assert.deepEqual(await rowCounts(databaseUrl(target)), await rowCounts(source.url));
    assert.equal(await tableChecksum(databaseUrl(target), 'tasks'), await tableChecksum(source.url, 'tasks'));
  });

  it('POST /api/storage/import queues the same import as a job (202), and refuses an unknown target', async () => {
    await writeFile(join(stack.backupDir, 'kanbu_source_2025-10-01T04-00-00.tar.gz'), gzipSync(Buffer.alloc(1024)));
    const queued = await api('POST', '/api/storage/import', {});
    assert.equal(queued.status, 202, queued.text);
    const run = await waitForExecution(stack, queued.body.executionId);
    assert.equal(run.status, 'completed', run.error ?? '');
    assert.equal(run.trigger, 'api');
    assert.deepEqual(run.details?.import, { target: 'local', added: 1, alreadyKnown: 3, collisions: [], ignored: 1 });
    const adopted = (await stack.runtime.backups.findByFilename('kanbu_source_2025-10-01T04-00-00.tar.gz'))!;
    assert.equal(adopted.type, 'source');
    assert.equal(adopted.encrypted, false);

    const unknown = await api('POST', '/api/storage/import', { target: 'nowhere' });
    assert.equal(unknown.body.error.code, 'VALIDATION_FAILED', unknown.text);
    assert.match(unknown.body.error.message, /No storage target named "nowhere" \(configured: local, local:second\)/);
    const bad = await api('POST', '/api/storage/import', { target: 5 });
    assert.equal(bad.status, 400, bad.text);
    assert.equal((await http('POST', `${stack.baseUrl}/api/storage/import`, { body: {} })).status, 401);
  });
});
