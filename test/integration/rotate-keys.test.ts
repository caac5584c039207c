import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEncryptionKey } from '../../shared/engine/crypto/encryption-key';
import { KeyRing } from '../../shared/engine/crypto/key-ring';
import { AppError, ErrorCode } from '../../shared/errors';
import { CliResult, runCli } from '../helpers/cli';
import { decodeToBuffer, memoryInput } from '../helpers/decode';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { S3Request, startS3Server, TestS3Server } from '../../scripts/lib/s3-server';
import { startStack, TestStack } from '../../scripts/lib/stack';

const OLD_KEY = 'rotation test passphrase (the old one)';
const NEW_KEY = 'c3'.repeat(32);
const OLD_ID = parseEncryptionKey(OLD_KEY).id;
const NEW_ID = parseEncryptionKey(NEW_KEY).id;

function exited(result: CliResult, code: number): CliResult {
  assert.equal(result.code, code, `stdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

/** Decrypts stored bytes with exactly one key (no other is configured) through the one decode path. */
function decryptWithOnly(key: string, bytes: Buffer, expectedSha256: string) {
  return decodeToBuffer(memoryInput(bytes), { keys: KeyRing.fromConfig(key), expectedSha256, encrypted: true, output: 'compressed' });
}

describe('kanbu-backup rotate-keys on every copy (local primary, S3 replica on 127.0.0.1, real CLI processes)', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let server: TestS3Server;
  let prefix: string;
  let backupId: string;
  let filename: string;
  let rotateEnv: Record<string, string>;

  before(async () => {
    let kanbu: { url: string };
    [server, kanbu] = await Promise.all([startS3Server(), createKanbuDatabase(300)]);
    const s3 = server.env('s3');
    prefix = s3.BACKUP_S3_PREFIX;
    stack = await startStack({
      env: {
        ...s3,
        DATABASE_URL: kanbu.url,
        BACKUP_ENCRYPTION_KEY: OLD_KEY,
        BACKUP_REPLICAS: 's3',
        BACKUP_S3_SSE: 'AES256',
        BACKUP_S3_STORAGE_CLASS: 'STANDARD_IA',
      },
    });
    rotateEnv = { ...stack.env, BACKUP_ENCRYPTION_KEY: NEW_KEY, BACKUP_ENCRYPTION_OLD_KEYS: OLD_KEY };
    const run = exited(await runCli(['backup', 'database'], stack.env), 0);
    backupId = /^Backup ([0-9a-f-]{36}) completed/m.exec(run.stdout)![1];
    filename = (await stack.runtime.backups.findById(backupId))!.filename;
  });
  after(async () => {
    await stack?.close();
    await server?.close();
  });

  const localBytes = () => readFile(join(stack.backupDir, filename));
  const s3Bytes = async () => {
    const result = await server.client.send(new GetObjectCommand({ Bucket: server.bucket, Key: `${prefix}/${filename}` }));
    return Buffer.from(await result.Body!.transformToByteArray());
  };
  const s3Head = () => server.client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: `${prefix}/${filename}` }));
  const s3Names = async () =>
    ((await server.client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: `${prefix}/` }))).Contents ?? []).map((o) =>
      o.Key!.slice(prefix.length + 1),
    );
  const catalog = async () => {
    const b = (await stack.runtime.backups.findByIdWithCopies(backupId))!;
    return {
      keyId: b.encryptionKeyId,
      format: b.encryptionFormat,
      sizeBytes: b.sizeBytes,
      checksum: b.checksum,
      copies: b.copies!.map((c) => [c.target, c.status, c.sizeBytes]),
    };
  };
  /** The server-side copy of a staged re-encryption over the replica's final key. */
  const isReplaceOfReplica = (r: S3Request) =>
    r.method === 'PUT' && r.path === `/${server.bucket}/${prefix}/${filename}` && String(r.headers['x-amz-copy-source'] ?? '').includes('.rotate-');

  it('a replace that fails on the S3 replica leaves the backup wholly under the old key: catalog, bytes and both copies', async () => {
    const before = await catalog();
    assert.equal(before.keyId, OLD_ID);
    assert.deepEqual(
      before.copies.map(([target, status]) => [target, status]),
      [
        ['local', 'completed'],
        ['s3', 'completed'],
      ],
    );
    const [localBefore, s3Before] = await Promise.all([localBytes(), s3Bytes()]);
    let refused = 0;
    server.onRequest = (r) => (isReplaceOfReplica(r) ? (refused++, { status: 403, code: 'AccessDenied' }) : undefined);
    try {
      const run = exited(await runCli(['rotate-keys'], rotateEnv), 1);
      assert.ok(refused > 0, 'the replica was reached only after its re-encryption was staged and the local copy replaced');
      assert.match(run.stdout, new RegExp(`^failed ${filename.replace(/\./g, '\\.')}: s3: S3 copy from .*AccessDenied.*; left as it was: local$`, 'm'));
      assert.match(run.stdout, /^0 re-encrypted, 1 failed/m);
    } finally {
      server.onRequest = undefined;
    }

    assert.deepEqual(await catalog(), before, 'the catalog still names the old key and sizes');
    const [localAfter, s3After] = await Promise.all([localBytes(), s3Bytes()]);
    assert.ok(localAfter.equals(localBefore), 'the local copy, replaced first, was put back byte for byte');
    assert.ok(s3After.equals(s3Before), 'the S3 copy was never replaced');
    for (const bytes of [localAfter, s3After]) {
      const decoded = await decryptWithOnly(OLD_KEY, bytes, before.checksum!);
      assert.equal(decoded.result.keyId, OLD_ID);
      await assert.rejects(decryptWithOnly(NEW_KEY, bytes, before.checksum!), (err: AppError) => err.code === ErrorCode.WrongEncryptionKey);
    }
    assert.deepEqual(await readdir(stack.backupDir), [filename], 'no staged or kept object left locally');
    assert.deepEqual(await s3Names(), [filename], 'no staged object left on S3');
  });

  it('rotates the local primary and the S3 replica; each copy then decrypts with only the new key', async () => {
    const before = await catalog();
    const plan = exited(await runCli(['rotate-keys', '--dry-run'], rotateEnv), 0);
    assert.match(plan.stdout, new RegExp(`^would re-encrypt ${filename.replace(/\./g, '\\.')} \\(v2 key ${OLD_ID}\\) on local, s3$`, 'm'));
    const requestsBefore = server.requests.length;

    const run = exited(await runCli(['rotate-keys'], rotateEnv), 0);
    assert.match(run.stdout, new RegExp(`^rotated ${filename.replace(/\./g, '\\.')} \\(was v2 key ${OLD_ID}\\) on local, s3$`, 'm'));
    assert.match(run.stdout, /^1 re-encrypted, 0 failed/m);

    const after = await catalog();
    assert.equal(after.keyId, NEW_ID);
    assert.equal(after.format, 'v2');
    assert.equal(after.checksum, before.checksum, 'the compressed bytes are the same');
    const [local, replica, head] = await Promise.all([localBytes(), s3Bytes(), s3Head()]);
    assert.equal(after.sizeBytes, (await stat(join(stack.backupDir, filename))).size);
    assert.deepEqual(after.copies, [
      ['local', 'completed', local.length],
      ['s3', 'completed', replica.length],
    ]);
    assert.equal(head.ContentLength, replica.length);
    for (const bytes of [local, replica]) {
      assert.equal(bytes.subarray(30, 38).toString('hex'), NEW_ID, 'the header names the new key');
      const decoded = await decryptWithOnly(NEW_KEY, bytes, after.checksum!);
      assert.equal(decoded.result.keyId, NEW_ID);
      await assert.rejects(decryptWithOnly(OLD_KEY, bytes, after.checksum!), (err: AppError) => err.code === ErrorCode.WrongEncryptionKey);
    }
    assert.ok(!local.equals(replica), 'each copy was re-encrypted on its own target (own salt and nonces)');

    assert.equal(head.Metadata?.sha256, after.checksum, 'the replica keeps its sha256 metadata');
    assert.equal(head.StorageClass, 'STANDARD_IA', 'and its storage class');
    const replace = server.requests.slice(requestsBefore).find(isReplaceOfReplica);
    assert.ok(replace, 'the replica was replaced by a server-side copy');
    assert.equal(replace.headers['x-amz-server-side-encryption'], 'AES256');
    assert.equal(replace.headers['x-amz-storage-class'], 'STANDARD_IA');
    assert.equal(replace.headers['x-amz-meta-sha256'], after.checksum);

    assert.deepEqual(await readdir(stack.backupDir), [filename]);
    assert.deepEqual(await s3Names(), [filename]);
    const again = exited(await runCli(['rotate-keys', '--dry-run'], { ...stack.env, BACKUP_ENCRYPTION_KEY: NEW_KEY }), 0);
    assert.match(again.stdout, /^0 backup\(s\) would be re-encrypted/m);
  });
});
