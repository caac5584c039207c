import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createEncryptStream } from '../../shared/engine/crypto/encrypt-stream';
import { KeyRing } from '../../shared/engine/crypto/key-ring';
import { HEADER_LENGTH, TAG_LENGTH } from '../../shared/engine/crypto/stream-format';
import { decodeBackup } from '../../shared/engine/decode-pipeline';
import { createCompressor } from '../../shared/engine/transforms/compression';
import type { Compression } from '../../shared/domain/types';
import { ErrorCode } from '../../shared/errors';
import { decodeToBuffer, memoryInput, recordingSink } from '../helpers/decode';
import { runThrough } from '../helpers/streams';
import { appErrorFrom } from '../helpers/app-error';

// A raw key: this file decodes dozens of files, and a passphrase would run PBKDF2 for each (stream-cipher tests cover passphrases).
const KEY = createHash('sha256').update('decode pipeline test key').digest('hex');
const ring = KeyRing.fromConfig(KEY);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function sql(rows: number): Buffer {
  let text = '';
  for (let i = 0; i < rows; i++) text += `${i}\tTask ${i}\tLorem ipsum ${i % 97} dolor\t2026-01-${String(1 + (i % 28)).padStart(2, '0')}\n`;
  return Buffer.from(text);
}

async function store(plain: Buffer, compression: Compression, encrypted: boolean, chunkSize = 4096) {
  const compressed = await runThrough(createCompressor(compression, 6), plain);
  const stored = encrypted ? await runThrough(await createEncryptStream(ring.current!, { chunkSize }), compressed) : compressed;
  return { compressed, stored };
}

describe('decode pipeline', () => {
  const plain = sql(20_000);

  for (const compression of ['gzip', 'zstd'] as const) {
    for (const encrypted of [true, false]) {
      it(`decodes ${encrypted ? 'v2-encrypted' : 'unencrypted'} ${compression}, detecting both from the bytes`, async () => {
        const { compressed, stored } = await store(plain, compression, encrypted);
        const { result, output } = await decodeToBuffer(memoryInput(stored), { keys: ring, output: 'plain', expectedSha256: sha256(compressed) });
        assert.deepEqual(output, plain);
        assert.deepEqual(result, {
          encryption: encrypted ? 'v2' : 'none',
          keyId: encrypted ? ring.current!.id : null,
          compression,
          sha256: sha256(compressed),
          compressedBytes: compressed.length,
          storedBytes: stored.length,
          plainBytes: plain.length,
        });
      });
    }
  }

  it('stops after decryption for the `compressed` output', async () => {
    const { compressed, stored } = await store(plain, 'gzip', true);
    const { result, output } = await decodeToBuffer(memoryInput(stored), { keys: ring, output: 'compressed' });
    assert.deepEqual(output, compressed);
    assert.equal(result.compression, null);
    assert.equal(result.plainBytes, null);
  });

  it('fails with CHECKSUM_MISMATCH, and the sink never sees a clean end', async () => {
    const { stored } = await store(plain, 'gzip', true);
    const rec = recordingSink();
    const err = await appErrorFrom(decodeBackup(memoryInput(stored), rec.sink, { keys: ring, output: 'plain', expectedSha256: 'ab'.repeat(32) }));
    assert.equal(err.code, ErrorCode.ChecksumMismatch);
    assert.match(err.message, /^Checksum mismatch/);
    assert.equal(rec.finished(), false);
  });

  it('detects a flipped byte anywhere, a truncation and an appended byte in a v2 file', async () => {
    const { stored } = await store(plain, 'gzip', true, 1024);
    const cases: Array<[string, Buffer]> = [
      ['truncated at a chunk boundary', stored.subarray(0, HEADER_LENGTH + 3 * (1024 + TAG_LENGTH))],
      ['truncated by one byte', stored.subarray(0, stored.length - 1)],
      ['appended', Buffer.concat([stored, Buffer.from([0])])],
    ];
    for (let position = 0; position < stored.length; position += Math.floor(stored.length / 23)) {
      const flipped = Buffer.from(stored);
      flipped[position] ^= 0x08;
      cases.push([`byte ${position} flipped`, flipped]);
    }
    for (const [what, bytes] of cases) {
      const rec = recordingSink();
      const err = await appErrorFrom(decodeBackup(memoryInput(bytes), rec.sink, { keys: ring, output: 'plain', encrypted: true }));
      assert.ok([ErrorCode.CorruptBackup, ErrorCode.WrongEncryptionKey].includes(err.code), `${what}: ${err.code} ${err.message}`);
      assert.equal(rec.finished(), false, what);
    }
  });

  it('names the missing key of a v2 file', async () => {
    const { stored } = await store(plain, 'gzip', true);
    const err = await appErrorFrom(decodeToBuffer(memoryInput(stored), { keys: KeyRing.fromConfig('another key entirely'), output: 'plain' }));
    assert.equal(err.code, ErrorCode.WrongEncryptionKey);
    assert.match(err.message, new RegExp(`key ${ring.current!.id}.*not configured`));
  });

  it('reports progress up to 100 %', async () => {
    const { stored } = await store(plain, 'zstd', true);
    const seen: number[] = [];
    await decodeToBuffer(memoryInput(stored), { keys: ring, output: 'plain', onProgress: (p) => seen.push(p.percent) });
    assert.equal(seen.at(-1), 100);
  });
});
