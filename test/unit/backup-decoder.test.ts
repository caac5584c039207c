import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { createEncryptStream } from '../../shared/engine/crypto/encrypt-stream';
import { parseEncryptionKey } from '../../shared/engine/crypto/encryption-key';
import { KeyRing } from '../../shared/engine/crypto/key-ring';
import { ErrorCode } from '../../shared/errors';
import { decodeBackup } from '../../shared/jobs/restore/backup-decoder';
import { pseudoRandomBytes, runThrough } from '../helpers/streams';

/** Records what reached the consumer and whether it saw a clean end. */
function consumer() {
  const chunks: Buffer[] = [];
  let ended = false;
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      chunks.push(chunk);
      done();
    },
    final(done) {
      ended = true;
      done();
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks), ended: () => ended };
}

describe('backup decoder', () => {
  const sql = Buffer.concat([Buffer.from('CREATE TABLE t (x int);\n'), pseudoRandomBytes(300_000)]);
  const compressed = gzipSync(sql);
  const checksum = createHash('sha256').update(compressed).digest('hex');
  const key = parseEncryptionKey('decoder test key');

  it('decrypts, checks and decompresses back to the dumped bytes', async () => {
    const stored = await runThrough(await createEncryptStream(key), compressed);
    const out = consumer();
    await pipeline(decodeBackup(Readable.from([stored]), { encrypted: true, checksum, compression: 'gzip' }, { keys: new KeyRing(key), decompress: true }), out.sink);
    assert.deepEqual(out.bytes(), sql);
  });

  it('fails with "Checksum mismatch" before the consumer sees the end of the data', async () => {
    const out = consumer();
    await assert.rejects(
      pipeline(decodeBackup(Readable.from([compressed]), { encrypted: false, checksum: 'f'.repeat(64), compression: 'gzip' }, { keys: new KeyRing(undefined), decompress: true }), out.sink),
      (err: { code?: string; message: string }) => err.code === ErrorCode.ChecksumMismatch && /^Checksum mismatch/.test(err.message),
    );
    assert.equal(out.ended(), false, 'psql would never have received a clean end of input');
  });

  it('reports stored bytes read, for progress', async () => {
    let last = 0;
    const out = consumer();
    await pipeline(
      decodeBackup(Readable.from([compressed]), { encrypted: false, checksum, compression: 'gzip' }, { keys: new KeyRing(undefined), decompress: false, onStoredBytes: (b) => (last = b) }),
      out.sink,
    );
    assert.deepEqual(out.bytes(), compressed);
    assert.ok(last > 0);
  });
});
