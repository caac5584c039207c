import { HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import type { CopyTuning } from '../../shared/engine/storage/s3-copy';
import type { S3Settings } from '../../shared/engine/storage/s3-client';
import { S3Storage } from '../../shared/engine/storage/s3.storage';
import type { StorageWriter } from '../../shared/engine/storage/storage-backend';
import { AppError, ErrorCode } from '../../shared/errors';
import { S3_ACCESS_KEY, S3_SECRET_KEY, startS3Server, TestS3Server } from '../../scripts/lib/s3-server';
import { uniqueName } from '../../scripts/lib/services';
import { pseudoRandomBytes } from '../helpers/streams';
import { untilClockPasses, waitFor } from '../helpers/wait';

const MiB = 1024 * 1024;

function pieces(data: Buffer, size = 256 * 1024): Buffer[] {
  const out = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('S3 storage (real S3-protocol server on 127.0.0.1, real AWS SDK over HTTP)', function () {
  this.timeout(60_000);
  let server: TestS3Server;
  let prefix: string;

  before(async () => {
    server = await startS3Server();
  });
  after(() => server?.close());
  beforeEach(() => {
    prefix = `${uniqueName('t')}/backups`;
    server.onRequest = undefined;
  });

  function storage(extra: Partial<S3Settings> = {}, tuning?: CopyTuning): S3Storage {
    const settings: S3Settings = {
      bucket: server.bucket,
      region: 'us-east-1',
      endpoint: server.endpoint,
      prefix,
      forcePathStyle: true,
      partSizeBytes: 5 * MiB,
      credentials: { accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY },
      ...extra,
    };
    return new S3Storage('s3', settings, tuning);
  }

  async function uploadsUnderPrefix(): Promise<string[]> {
    const result = await server.client.send(new ListMultipartUploadsCommand({ Bucket: server.bucket, Prefix: `${prefix}/` }));
    return (result.Uploads ?? []).map((u) => u.Key!);
  }

  async function keysUnderPrefix(): Promise<string[]> {
    const result = await server.client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: `${prefix}/` }));
    return (result.Contents ?? []).map((o) => o.Key!);
  }

  /** Streams `data` into a writer and commits; on failure aborts (as the pipeline does) and returns the error. */
  async function writeAndCommit(writer: StorageWriter, data: Buffer, checksum: string): Promise<Error | null> {
    try {
      await pipeline(Readable.from(pieces(data)), writer.stream);
      await writer.commit({ sha256: checksum });
      return null;
    } catch (err) {
      await writer.abort(err);
      return err as Error;
    }
  }

  it('uploads a backup larger than one part in parts, shows nothing before commit, and stores the SHA-256 as metadata', async () => {
    const s3 = storage();
    const data = pseudoRandomBytes(12 * MiB + 12345, 7);
    const requestsBefore = server.requests.length;
    const writer = await s3.createWriter('kanbu_backup_big.sql.gz.enc');
    await pipeline(Readable.from(pieces(data)), writer.stream);

    assert.equal(await s3.stat('kanbu_backup_big.sql.gz.enc'), null, 'nothing under the final name before commit');
    assert.deepEqual(await s3.list(), [], 'the temporary object is not listed');
    const { sizeBytes } = await writer.commit({ sha256: sha256(data) });
    assert.equal(sizeBytes, data.length);

    const parts = server.requests.slice(requestsBefore).filter((r) => r.method === 'PUT' && r.query.partNumber);
    assert.equal(parts.length, 3, 'three 5 MiB parts');
    const head = await server.client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: `${prefix}/kanbu_backup_big.sql.gz.enc` }));
    assert.equal(head.Metadata?.sha256, sha256(data));
    assert.equal(head.ContentLength, data.length);
    assert.deepEqual(await keysUnderPrefix(), [`${prefix}/kanbu_backup_big.sql.gz.enc`], 'no temporary object is left');
    assert.deepEqual(await uploadsUnderPrefix(), [], 'no unfinished upload is left');

    const stat = await s3.stat('kanbu_backup_big.sql.gz.enc');
    assert.equal(stat?.sizeBytes, data.length);
    assert.equal(stat?.sha256, sha256(data));
    const listed = await s3.list();
    assert.deepEqual(
      listed.map((o) => [o.name, o.sizeBytes]),
      [['kanbu_backup_big.sql.gz.enc', data.length]],
    );
    assert.ok(listed[0].modifiedAt instanceof Date && !Number.isNaN(listed[0].modifiedAt.getTime()));
    assert.deepEqual(await s3.usage(), { usedBytes: data.length, objectCount: 1 });

    assert.equal(sha256(await buffer(await s3.openRead('kanbu_backup_big.sql.gz.enc'))), sha256(data));
    const across = { start: 5 * MiB - 100, end: 5 * MiB + 99 };
    assert.deepEqual(await buffer(await s3.openRead('kanbu_backup_big.sql.gz.enc', across)), data.subarray(across.start, across.end + 1));
    assert.deepEqual(await buffer(await s3.openRead('kanbu_backup_big.sql.gz.enc', { start: data.length - 10 })), data.subarray(data.length - 10));

    await s3.delete('kanbu_backup_big.sql.gz.enc');
    assert.equal(await s3.stat('kanbu_backup_big.sql.gz.enc'), null);
    await s3.delete('kanbu_backup_big.sql.gz.enc');
    await assert.rejects(s3.openRead('kanbu_backup_big.sql.gz.enc'), (err: AppError) => err.code === ErrorCode.BackupFileNotFound);
  });

  it('sends the configured server-side encryption with every write and the storage class with the final object only', async () => {
    const s3 = storage({ sse: 'AES256', storageClass: 'STANDARD_IA' });
    const requestsBefore = server.requests.length;
    const error = await writeAndCommit(await s3.createWriter('small.sql.gz'), Buffer.from('a small backup'), 'c'.repeat(64));
    assert.equal(error, null);
    const writes = server.requests.slice(requestsBefore).filter((r) => r.method === 'PUT');
    const copy = writes.find((r) => r.headers['x-amz-copy-source']);
    const upload = writes.find((r) => !r.headers['x-amz-copy-source']);
    assert.ok(copy && upload);
    assert.equal(upload.headers['x-amz-server-side-encryption'], 'AES256');
    assert.equal(upload.headers['x-amz-storage-class'], undefined, 'the temporary object stays STANDARD');
    assert.equal(copy.headers['x-amz-server-side-encryption'], 'AES256');
    assert.equal(copy.headers['x-amz-storage-class'], 'STANDARD_IA');
    assert.equal(copy.headers['x-amz-metadata-directive'], 'REPLACE');
    assert.equal(copy.headers['x-amz-meta-sha256'], 'c'.repeat(64));
  });

  it('copies an object above the single-copy limit to its final key in ranges', async () => {
    const s3 = storage({}, { maxSingleCopyBytes: 6 * MiB, copyPartBytes: 5 * MiB });
    const data = pseudoRandomBytes(11 * MiB, 11);
    const requestsBefore = server.requests.length;
    assert.equal(await writeAndCommit(await s3.createWriter('ranged.sql.gz'), data, sha256(data)), null);
    const rangeCopies = server.requests.slice(requestsBefore).filter((r) => r.headers['x-amz-copy-source-range']);
    assert.deepEqual(
      rangeCopies.map((r) => r.headers['x-amz-copy-source-range']),
      ['bytes=0-5242879', 'bytes=5242880-10485759', 'bytes=10485760-11534335'],
    );
    assert.equal(sha256(await buffer(await s3.openRead('ranged.sql.gz'))), sha256(data));
    assert.equal((await s3.stat('ranged.sql.gz'))?.sha256, sha256(data));
    assert.deepEqual(await uploadsUnderPrefix(), []);
  });

  it('aborts the multipart upload when a write is abandoned half-way: no object, no parts', async () => {
    const s3 = storage();
    const writer = await s3.createWriter('abandoned.sql.gz');
    const data = pseudoRandomBytes(11 * MiB, 3);
    writer.stream.write(data.subarray(0, 6 * MiB));
    await waitFor(async () => ((await uploadsUnderPrefix()).length === 1 ? true : undefined), 'the multipart upload to start');
    await writer.abort(new Error('the source failed'));
    assert.deepEqual(await uploadsUnderPrefix(), []);
    assert.deepEqual(await keysUnderPrefix(), []);
  });

  it('an upload cut off by the server stopping leaves no object, and the dangling upload is removed once the server is back', async () => {
    const s3 = storage();
    server.onRequest = (request) => {
      if (request.method === 'PUT' && request.query.partNumber === '2') {
        server.onRequest = undefined;
        void server.stop();
      }
    };
    const data = pseudoRandomBytes(16 * MiB, 5);
    const error = await writeAndCommit(await s3.createWriter('cut.sql.gz'), data, sha256(data));
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, ErrorCode.StorageUnavailable);
    assert.match(error.message, /S3 (upload|commit) failed at s3:\/\//);
    assert.equal(server.running(), false);

    await server.start();
    assert.equal(await s3.stat('cut.sql.gz'), null, 'no object under the final name');
    const dangling = await uploadsUnderPrefix();
    assert.equal(dangling.length, 1, 'the abort could not reach the stopped server');
    assert.match(dangling[0], /\/\.partial-[0-9a-f]+-cut\.sql\.gz$/);

    assert.equal(await s3.removeStaleWrites(new Date(Date.now() - 3_600_000)), 0, 'a recent upload is left alone');
    assert.equal((await uploadsUnderPrefix()).length, 1);
    assert.equal(await s3.removeStaleWrites(new Date(Date.now() + 60_000)), 1);
    assert.deepEqual(await uploadsUnderPrefix(), []);
    assert.deepEqual(await keysUnderPrefix(), []);
  });

  it('an upload that started long ago but still receives parts is not stale: prune leaves a long backup alone', async () => {
    const s3 = storage();
    const writer = await s3.createWriter('long.sql.gz');
    const source = new PassThrough();
    const piping = pipeline(source, writer.stream);
    /** The server's timestamps of the upload and its parts, once `n` parts are stored. */
    const partsStored = async (n: number) => {
      const [key] = await uploadsUnderPrefix();
      if (!key) return undefined;
      const uploads = await server.client.send(new ListMultipartUploadsCommand({ Bucket: server.bucket, Prefix: `${prefix}/` }));
      const upload = uploads.Uploads![0];
      const parts = await server.client.send(new ListPartsCommand({ Bucket: server.bucket, Key: key, UploadId: upload.UploadId! }));
      return (parts.Parts?.length ?? 0) >= n ? [upload.Initiated!, ...parts.Parts!.map((p) => p.LastModified!)] : undefined;
    };
    const data = pseudoRandomBytes(12 * MiB, 9);
    source.write(data.subarray(0, 6 * MiB));
    const [initiated, firstPart] = await waitFor(() => partsStored(1), 'the first part');
    // The cut-off lies after everything the server stamped so far; the next part is sent once the clock
    // has passed it by more than S3's timestamp resolution (whole seconds on some servers).
    const longAgo = new Date(Math.max(initiated.getTime(), firstPart.getTime()) + 1);
    await untilClockPasses(new Date(longAgo.getTime() + 1000));
    source.write(data.subarray(6 * MiB, 11 * MiB));
    const [, , secondPart] = await waitFor(() => partsStored(2), 'the second part');
    assert.ok(secondPart >= longAgo, `the second part (${secondPart.toISOString()}) is stamped after the cut-off (${longAgo.toISOString()})`);
    // Started (and its first part) before the cut-off, its last part after it: still being written.
    assert.equal(await s3.removeStaleWrites(longAgo), 0);
    source.end(data.subarray(11 * MiB));
    await piping;
    await writer.commit({ sha256: sha256(data) });
    assert.deepEqual(await uploadsUnderPrefix(), []);
    assert.equal((await s3.stat('long.sql.gz'))?.sizeBytes, data.length, 'the backup completed');
  });

  it('reports a stopped server as unavailable (retryable), and works again once it is back', async () => {
    const s3 = storage();
    await s3.check();
    await server.stop();
    try {
      await assert.rejects(s3.check(), (err: AppError) => err.code === ErrorCode.StorageUnavailable && err.retryable && /ECONNREFUSED/.test(err.message));
      await assert.rejects(s3.stat('x.sql.gz'), (err: AppError) => err.code === ErrorCode.StorageUnavailable);
    } finally {
      await server.start();
    }
    await s3.check();
    await assert.rejects(storage({ bucket: 'no-such-bucket-kbt' }).check(), (err: AppError) => /does not exist/.test(err.message));
  });

  const hostile = ['../escape.sql.gz', '..', '/etc/passwd', 'a/b.sql.gz', 'x\0y', '', '.hidden', '.partial-abc-x', 'a..b'];
  it('replace puts a staged object over the final key by a server-side copy: sha256 metadata, encryption and storage class kept, staged object gone', async () => {
    const s3 = storage({ sse: 'AES256', storageClass: 'STANDARD_IA' });
    const [original, staged] = [pseudoRandomBytes(64 * 1024, 1), pseudoRandomBytes(70 * 1024, 2)];
    assert.equal(await writeAndCommit(await s3.createWriter('r.sql.gz.enc'), original, sha256(original)), null);
    assert.equal(await writeAndCommit(await s3.createWriter('r.sql.gz.enc.rotate-0123456789ab'), staged, sha256(staged)), null);
    const requestsBefore = server.requests.length;

    await s3.replace('r.sql.gz.enc.rotate-0123456789ab', 'r.sql.gz.enc');
    assert.deepEqual(await buffer(await s3.openRead('r.sql.gz.enc')), staged);
    const head = await server.client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: `${prefix}/r.sql.gz.enc` }));
    assert.equal(head.Metadata?.sha256, sha256(staged));
    assert.equal(head.StorageClass, 'STANDARD_IA');
    const copy = server.requests.slice(requestsBefore).find((r) => r.method === 'PUT' && r.headers['x-amz-copy-source']);
    assert.equal(copy?.path, `/${server.bucket}/${prefix}/r.sql.gz.enc`);
    assert.equal(copy?.headers['x-amz-server-side-encryption'], 'AES256');
    assert.equal(copy?.headers['x-amz-storage-class'], 'STANDARD_IA');
    assert.deepEqual(await keysUnderPrefix(), [`${prefix}/r.sql.gz.enc`]);

    await assert.rejects(s3.replace('gone.sql.gz.enc', 'r.sql.gz.enc'), (err: AppError) => err.code === ErrorCode.BackupFileNotFound);
    assert.deepEqual(await buffer(await s3.openRead('r.sql.gz.enc')), staged, 'a failed replace leaves the target as it was');
  });

  it('duplicate makes a server-side copy with the same bytes and metadata, kept in STANDARD, and leaves the source alone', async () => {
    const s3 = storage({ sse: 'AES256', storageClass: 'STANDARD_IA' });
    const data = pseudoRandomBytes(50 * 1024, 3);
    assert.equal(await writeAndCommit(await s3.createWriter('d.sql.gz.enc'), data, sha256(data)), null);
    const requestsBefore = server.requests.length;

    await s3.duplicate('d.sql.gz.enc', 'd.sql.gz.enc.rotate-keep-0123456789ab');
    assert.deepEqual(await buffer(await s3.openRead('d.sql.gz.enc.rotate-keep-0123456789ab')), data);
    assert.equal((await s3.stat('d.sql.gz.enc.rotate-keep-0123456789ab'))?.sha256, sha256(data));
    const copy = server.requests.slice(requestsBefore).find((r) => r.method === 'PUT' && r.headers['x-amz-copy-source']);
    assert.equal(copy?.headers['x-amz-server-side-encryption'], 'AES256');
    assert.equal(copy?.headers['x-amz-storage-class'], undefined, 'a short-lived copy is not billed an archive minimum');
    assert.deepEqual(await buffer(await s3.openRead('d.sql.gz.enc')), data);
  });

  it('refuses path-traversal and hidden names for every operation, without sending a request', async () => {
    const s3 = storage();
    const requestsBefore = server.requests.length;
    for (const name of hostile) {
      const invalid = (err: AppError) => err.code === ErrorCode.InvalidStorageName;
      await assert.rejects(s3.createWriter(name), invalid, name);
      await assert.rejects(s3.openRead(name), invalid, name);
      await assert.rejects(s3.stat(name), invalid, name);
      await assert.rejects(s3.delete(name), invalid, name);
      await assert.rejects(s3.replace(name, 'ok.sql.gz'), invalid, name);
      await assert.rejects(s3.replace('ok.sql.gz', name), invalid, name);
      await assert.rejects(s3.duplicate('ok.sql.gz', name), invalid, name);
      assert.throws(() => s3.describe(name), invalid, name);
    }
    assert.equal(server.requests.length, requestsBefore);
  });
});
