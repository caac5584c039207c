import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Duplex, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDecryptStream } from '../../shared/engine/crypto/decrypt-stream';
import { createDecompressor } from '../../shared/engine/transforms/compression';
import { http } from '../helpers/http';
import { createKanbuDatabase, rowCounts, tableChecksum } from '../helpers/kanbu-fixture';
import { startS3Server, TestS3Server } from '../../scripts/lib/s3-server';
import { createDatabase } from '../../scripts/lib/services';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';

const REPLICA = 's3:offsite';

async function readThrough(source: Readable, ...transforms: Duplex[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline([
    source,
    ...transforms,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }),
  ]);
  return Buffer.concat(chunks);
}

describe('replicated backups through the API (local primary, S3 replica on 127.0.0.1, real pg_dump)', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let server: TestS3Server;
  let source: { name: string; url: string };
  let prefix: string;
  const ids: string[] = [];

  before(async () => {
    [server, source] = await Promise.all([startS3Server(), createKanbuDatabase(1500)]);
    const env = server.env(REPLICA);
    prefix = env.BACKUP_S3_OFFSITE_PREFIX;
    stack = await startStack({
      env: { ...env, DATABASE_URL: source.url, BACKUP_ENCRYPTION_KEY: 'replication api test key', BACKUP_REPLICAS: REPLICA },
      workerQueues: ['backup'],
    });
  });
  after(async () => {
    await stack?.close();
    await server?.close();
  });

  const api = (method: string, path: string) => http(method, `${stack.baseUrl}${path}`, { token: ADMIN_KEY });
  const s3Object = async (filename: string) => {
    const result = await server.client.send(new GetObjectCommand({ Bucket: server.bucket, Key: `${prefix}/${filename}` }));
    return { bytes: Buffer.from(await result.Body!.transformToByteArray()), sha256: result.Metadata?.sha256 };
  };
  const localPath = (filename: string) => join(stack.backupDir, filename);
  const backupById = async (id: string) => (await api('GET', `/api/backups/${id}`)).body;

  async function runBackup(): Promise<string> {
    const res = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
    assert.equal(res.status, 202, res.text);
    const execution = await waitFor(
      async () => {
        const e = await stack.runtime.executions.findById(res.body.executionId);
        return e && ['completed', 'failed'].includes(e.status) ? e : undefined;
      },
      'the backup to finish',
      60_000,
    );
    assert.equal(execution.status, 'completed', execution.error ?? '');
    return execution.backupId!;
  }

  it('writes every backup to the local primary and the S3 replica, with one copy row each', async () => {
    ids.push(await runBackup(), await runBackup());
    for (const id of ids) {
      const backup = await backupById(id);
      assert.equal(backup.status, 'completed');
      assert.equal(backup.storage, 'local');
      const local = await readFile(localPath(backup.filename));
      assert.equal(local.length, backup.sizeBytes);
      assert.deepEqual(
        backup.copies.map((c: { target: string; isPrimary: boolean; status: string; sizeBytes: number }) => [c.target, c.isPrimary, c.status, c.sizeBytes]),
        [
          ['local', true, 'completed', local.length],
          [REPLICA, false, 'completed', local.length],
        ],
      );
      const replica = await s3Object(backup.filename);
      assert.deepEqual(replica.bytes, local, 'the same bytes on both targets');
      assert.equal(replica.sha256, backup.checksum);
    }
  });

  it('GET /api/storage reports each target: reachable, space, backups', async () => {
    const res = await api('GET', '/api/storage');
    assert.equal(res.status, 200);
    const [local, s3] = res.body.targets;
    assert.deepEqual([local.name, local.kind, local.role, local.reachable, local.backupCount, local.objectCount], ['local', 'local', 'primary', true, 2, 2]);
    assert.ok(local.freeBytes > 0 && local.totalBytes > 0);
    assert.deepEqual([s3.name, s3.kind, s3.role, s3.reachable, s3.backupCount, s3.objectCount, s3.freeBytes], [REPLICA, 's3', 'replica', true, 2, 2, null]);
    const sizes = await Promise.all(ids.map(async (id) => (await backupById(id)).sizeBytes));
    assert.equal(s3.usedBytes, sizes[0] + sizes[1]);
    assert.equal(local.usedBytes, s3.usedBytes);
    assert.match(s3.location, new RegExp(`^s3://${server.bucket}/${prefix}/ at http://127\\.0\\.0\\.1:\\d+$`));
    assert.equal((await http('GET', `${stack.baseUrl}/api/storage`)).status, 401);
  });

  it('downloads from the replica when the primary file is gone, says so, and restores from it', async () => {
    const backup = await backupById(ids[0]);
    await unlink(localPath(backup.filename));
    const res = await fetch(`${stack.baseUrl}/api/backups/${backup.id}/download`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-backup-storage'), REPLICA);
    assert.equal(res.headers.get('x-backup-copy'), 'replica');
    assert.equal(res.headers.get('x-backup-verified'), 'true');
    assert.equal(res.headers.get('x-backup-skipped-copies'), 'local=missing');
    const downloaded = Buffer.from(await res.arrayBuffer());
    assert.deepEqual(downloaded, (await s3Object(backup.filename)).bytes);
    assert.deepEqual(
      (await backupById(backup.id)).copies.map((c: { target: string; status: string }) => [c.target, c.status]),
      [
        ['local', 'missing'],
        [REPLICA, 'completed'],
      ],
    );

    // Restore through the reader (as restore jobs do): verified copy → decrypt → gunzip → psql.
    const opened = await stack.runtime.reader.open((await stack.runtime.backups.findByIdWithCopies(backup.id))!, { verify: true });
    assert.equal(opened.target, REPLICA);
    const sql = await readThrough(opened.stream, createDecryptStream(stack.runtime.keys), createDecompressor('gzip'));
    assert.equal(sql.length, backup.sourceBytes);
    const target = await createDatabase('kbt_from_replica');
    const psql = spawnSync('psql', ['-v', 'ON_ERROR_STOP=1', '-q', '-d', target.url], { input: sql, encoding: 'utf8' });
    assert.equal(psql.status, 0, psql.stderr);
    assert.deepEqual(await rowCounts(target.url), { projects: 10, tasks: 1500, users: 20 });
    for (const table of ['users', 'projects', 'tasks']) assert.equal(await tableChecksum(target.url, table), await tableChecksum(source.url, table), table);
  });

  it('skips a primary that fails its checksum (same size, one byte changed) and marks it corrupt', async () => {
    const backup = await backupById(ids[1]);
    const stored = await readFile(localPath(backup.filename));
    stored[Math.floor(stored.length / 2)] ^= 0x20;
    await writeFile(localPath(backup.filename), stored);
    const res = await fetch(`${stack.baseUrl}/api/backups/${backup.id}/download`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-backup-storage'), REPLICA);
    assert.equal(res.headers.get('x-backup-skipped-copies'), 'local=corrupt');
    const downloaded = Buffer.from(await res.arrayBuffer());
    const compressed = await readThrough(Readable.from([downloaded]), createDecryptStream(stack.runtime.keys));
    assert.ok(compressed.length > 0, 'the replica decrypts and authenticates');
    const copies = (await backupById(backup.id)).copies;
    assert.equal(copies[0].status, 'corrupt');
    assert.match(copies[0].error, /failed authentication/);

    const bad = await api('GET', `/api/backups/${backup.id}/download?verify=perhaps`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
  });

  it('reports an unreachable replica in GET /api/storage and a delete that cannot reach it, keeping the record', async () => {
    await server.stop();
    try {
      const storage = await api('GET', '/api/storage');
      assert.equal(storage.status, 200);
      const s3 = storage.body.targets[1];
      assert.equal(s3.reachable, false);
      assert.match(s3.error, /ECONNREFUSED/);
      assert.equal(s3.usedBytes, null);
      assert.equal(storage.body.targets[0].reachable, true);

      const res = await api('DELETE', `/api/backups/${ids[0]}`);
      assert.equal(res.status, 502, res.text);
      assert.equal(res.body.error.code, 'BACKUP_DELETE_INCOMPLETE');
      assert.match(res.body.error.message, /could not be deleted everywhere \(s3:offsite: .*ECONNREFUSED/);
      const byTarget = Object.fromEntries(res.body.error.details.copies.map((c: { target: string; status: string }) => [c.target, c.status]));
      assert.deepEqual(byTarget, { local: 'deleted', [REPLICA]: 'delete_failed' });
      const kept = await backupById(ids[0]);
      assert.deepEqual(
        kept.copies.map((c: { target: string; status: string }) => [c.target, c.status]),
        [
          ['local', 'deleted'],
          [REPLICA, 'delete_failed'],
        ],
      );
      assert.match(kept.copies[1].error, /ECONNREFUSED/);
    } finally {
      await server.start();
    }
  });

  it('deletes the remaining copies once the replica is back, then the record', async () => {
    const filename = (await backupById(ids[0])).filename;
    const res = await api('DELETE', `/api/backups/${ids[0]}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.copies, [{ target: REPLICA, status: 'deleted', error: null }]);
    assert.equal((await api('GET', `/api/backups/${ids[0]}`)).status, 404);
    await assert.rejects(server.client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: `${prefix}/${filename}` })), /NotFound/);
    const last = await api('DELETE', `/api/backups/${ids[1]}`);
    assert.equal(last.status, 409, 'the last backup is still protected by the guard');
  });
});
