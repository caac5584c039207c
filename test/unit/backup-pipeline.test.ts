import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { runCreatePipeline } from '../../shared/engine/backup-pipeline';
import { createDecryptStream } from '../../shared/engine/crypto/decrypt-stream';
import { createEncryptStream } from '../../shared/engine/crypto/encrypt-stream';
import { parseEncryptionKey } from '../../shared/engine/crypto/encryption-key';
import { KeyRing } from '../../shared/engine/crypto/key-ring';
import { childOutputStream } from '../../shared/engine/process/child-output-stream';
import { LocalStorage } from '../../shared/engine/storage/local.storage';
import { createCompressor } from '../../shared/engine/transforms/compression';
import { pseudoRandomBytes, runThrough } from '../helpers/streams';

describe('create pipeline', () => {
  let root: string;
  let storage: LocalStorage;
  const key = parseEncryptionKey('pipeline test passphrase');

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kbt-pipe-'));
    storage = new LocalStorage('local', root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('stores gzip → encrypted bytes whose SHA-256 of the compressed form matches, and that round-trip', async () => {
    const plain = Buffer.concat([Buffer.from('-- SQL dump\n'.repeat(5000)), pseudoRandomBytes(200_000)]);
    const result = await runCreatePipeline({
      source: Readable.from([plain.subarray(0, 1000), plain.subarray(1000)]),
      compressor: createCompressor('gzip', 6),
      encryptor: await createEncryptStream(key),
      writer: await storage.createWriter('kanbu_backup_x.sql.gz.enc'),
    });
    const stored = await readFile(join(root, 'kanbu_backup_x.sql.gz.enc'));
    assert.equal(result.storedBytes, stored.length);
    assert.equal(result.sourceBytes, plain.length);
    const compressed = await runThrough(createDecryptStream(new KeyRing(key)), stored);
    assert.equal(compressed.length, result.compressedBytes);
    assert.equal(createHash('sha256').update(compressed).digest('hex'), result.sha256);
    assert.deepEqual(gunzipSync(compressed), plain);
  });

  it('leaves no file when the source fails half-way', async () => {
    const source = childOutputStream('sh', ['-c', 'head -c 300000 /dev/zero; echo "pg_dump: error: connection lost" >&2; exit 1'], { label: 'pg_dump' });
    await assert.rejects(
      runCreatePipeline({ source, compressor: createCompressor('gzip', 1), writer: await storage.createWriter('kanbu_backup_y.sql.gz') }),
      /pg_dump exited with code 1: pg_dump: error: connection lost/,
    );
    assert.deepEqual(await readdir(root), []);
  });
});
