import { GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { KeyRing } from '../../shared/engine/crypto/key-ring';
import type { SourceFactory } from '../../shared/engine/sources/source-factory';
import { LocalStorage } from '../../shared/engine/storage/local.storage';
import { S3Storage } from '../../shared/engine/storage/s3.storage';
import type { StorageBackend } from '../../shared/engine/storage/storage-backend';
import { createLogger } from '../../shared/logging';
import { createBackup } from '../../shared/jobs/create-backup';
import { S3_ACCESS_KEY, S3_SECRET_KEY, startS3Server, TestS3Server } from '../../scripts/lib/s3-server';
import { uniqueName } from '../../scripts/lib/services';
import { startStack, TestStack } from '../../scripts/lib/stack';
import { pseudoRandomBytes } from '../helpers/streams';

const MiB = 1024 * 1024;

/** Incompressible "dump" of `sizeMiB`: 14 MiB is three 5 MiB parts on S3, 40 MiB more than the SDK buffers for one upload. */
const dumpSource =
  (sizeMiB: number): SourceFactory =>
  () => ({
    type: 'database',
    extension: 'sql',
    async open() {
      const data = pseudoRandomBytes(sizeMiB * MiB, 21);
      const pieces = [];
      for (let i = 0; i < data.length; i += 256 * 1024) pieces.push(data.subarray(i, i + 256 * 1024));
      return { stream: Readable.from(pieces), estimatedBytes: data.length, facts: {} };
    },
  });

describe('replication: one pass to several targets (catalog, local directory, S3 server on 127.0.0.1)', function () {
  this.timeout(90_000);
  let stack: TestStack;
  let server: TestS3Server;
  let localDir: string;
  let prefix: string;

  before(async () => {
    [stack, server] = await Promise.all([startStack(), startS3Server()]);
  });
  after(async () => {
    await Promise.all([stack?.close(), server?.close()]);
  });
  beforeEach(async () => {
    localDir = await mkdtemp(join(tmpdir(), 'kbt-repl-local-'));
    prefix = uniqueName('r');
    server.onRequest = undefined;
  });
  afterEach(() => rm(localDir, { recursive: true, force: true }));

  const local = () => new LocalStorage('local', localDir);
  const s3 = (name: string) =>
    new S3Storage(name, {
      bucket: server.bucket,
      region: 'us-east-1',
      endpoint: server.endpoint,
      prefix,
      forcePathStyle: true,
      partSizeBytes: 5 * MiB,
      credentials: { accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY },
    });

  function backup(primary: StorageBackend, replicas: StorageBackend[], requireAllCopies = false, sizeMiB = 14) {
    return createBackup(
      {
        backups: stack.runtime.backups,
        copies: stack.runtime.copies,
        storage: primary,
        replicas,
        requireAllCopies,
        sources: dumpSource(sizeMiB),
        keys: KeyRing.fromConfig('replication test key'),
        compression: 'gzip',
        compressionLevel: 1,
        logger: createLogger('Backup'),
      },
      { type: 'database', trigger: 'api' },
    ).then(
      (b) => b,
      (err: Error) => err,
    );
  }

  async function latestBackup() {
    const page = await stack.runtime.backups.list({ page: 1, pageSize: 1, sort: 'createdAt', order: 'DESC' });
    return (await stack.runtime.backups.findByIdWithCopies(page.items[0].id))!;
  }

  const copies = async () =>
    (await latestBackup()).copies!.map((c) => ({ target: c.target, primary: c.isPrimary, status: c.status, size: c.sizeBytes, error: c.error }));

  function killServerAtPart(partNumber: number) {
    server.onRequest = (request) => {
      if (request.method === 'PUT' && request.query.partNumber === String(partNumber)) {
        server.onRequest = undefined;
        void server.stop();
      }
    };
  }

  async function danglingUploads(): Promise<number> {
    const result = await server.client.send(new ListMultipartUploadsCommand({ Bucket: server.bucket, Prefix: `${prefix}/` }));
    return result.Uploads?.length ?? 0;
  }

  it('primary local + replica S3: both copies complete, byte for byte, each with its own row', async () => {
    const result = await backup(local(), [s3('s3')]);
    assert.ok(!(result instanceof Error), String(result));
    assert.equal(result.status, 'completed');
    assert.equal(result.error, null);
    const stored = await readFile(join(localDir, result.filename));
    assert.equal(stored.length, result.sizeBytes);
    assert.deepEqual(await copies(), [
      { target: 'local', primary: true, status: 'completed', size: stored.length, error: null },
      { target: 's3', primary: false, status: 'completed', size: stored.length, error: null },
    ]);
    const key = `${prefix}/${result.filename}`;
    const object = await server.client.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }));
    assert.deepEqual(Buffer.from(await object.Body!.transformToByteArray()), stored);
    assert.equal(object.Metadata?.sha256, result.checksum, 'the catalog checksum is on the object');
  });

  it('primary local + replica S3 killed mid-write: the replica drops out, the primary completes, the backup is completed_with_warnings', async () => {
    killServerAtPart(2);
    // Larger than what the SDK buffers, so the replica fails while data still flows: it must not stall the primary.
    const result = await backup(local(), [s3('s3')], false, 40);
    assert.ok(!(result instanceof Error), String(result));
    assert.equal(result.status, 'completed_with_warnings');
    assert.match(result.error ?? '', /^Copy to s3 failed: S3 (upload|commit) failed at s3:\/\//);
    assert.deepEqual(await readdir(localDir), [result.filename], 'the primary is complete, with no temporary file');
    assert.equal((await readFile(join(localDir, result.filename))).length, result.sizeBytes);
    const [primaryCopy, replicaCopy] = await copies();
    assert.equal(primaryCopy.status, 'completed');
    assert.equal(replicaCopy.status, 'failed');
    assert.match(replicaCopy.error ?? '', /S3 (upload|commit) failed/);

    await server.start();
    await assert.rejects(server.client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: `${prefix}/${result.filename}` })), /NotFound/);
    assert.equal(await danglingUploads(), 1, 'the abort could not reach the dead server');
    assert.equal(await s3('s3').removeStaleWrites(new Date(Date.now() + 60_000)), 1);
    assert.equal(await danglingUploads(), 0);
  });

  it('primary S3 killed mid-write + replica local: the backup fails and no copy is kept anywhere', async () => {
    killServerAtPart(2);
    const result = await backup(s3('s3'), [local()]);
    assert.ok(result instanceof Error);
    assert.match(result.message, /S3 (upload|commit) failed/);
    const failed = await latestBackup();
    assert.equal(failed.status, 'failed');
    assert.match(failed.error ?? '', /S3 (upload|commit) failed/);
    assert.deepEqual(await readdir(localDir), [], 'the replica was aborted: no final and no temporary file');
    const [primaryCopy, replicaCopy] = await copies();
    assert.deepEqual([primaryCopy.target, primaryCopy.status], ['s3', 'failed']);
    assert.deepEqual([replicaCopy.target, replicaCopy.status], ['local', 'failed']);
    assert.match(replicaCopy.error ?? '', /^Not kept: the backup failed \(S3 /);

    await server.start();
    assert.equal(await s3('s3').removeStaleWrites(new Date(Date.now() + 60_000)), 1);
    assert.deepEqual(await s3('s3').list(), []);
  });

  it('with BACKUP_REQUIRE_ALL_COPIES, a replica killed mid-write fails the backup and the primary is not kept', async () => {
    killServerAtPart(2);
    const result = await backup(local(), [s3('s3:us')], true);
    assert.ok(result instanceof Error);
    assert.match(result.message, /The copy to s3:us failed and BACKUP_REQUIRE_ALL_COPIES is on/);
    assert.equal((await latestBackup()).status, 'failed');
    assert.deepEqual(await readdir(localDir), []);
    assert.deepEqual(
      (await copies()).map((c) => [c.target, c.status]),
      [
        ['local', 'failed'],
        ['s3:us', 'failed'],
      ],
    );
    await server.start();
  });
});
