import assert from 'node:assert/strict';
import { createDecipheriv, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDecryptStream } from '../../shared/engine/crypto/decrypt-stream';
import { createEncryptStream } from '../../shared/engine/crypto/encrypt-stream';
import { parseEncryptionKey } from '../../shared/engine/crypto/encryption-key';
import { KeyRing } from '../../shared/engine/crypto/key-ring';
import { HEADER_LENGTH, TAG_LENGTH } from '../../shared/engine/crypto/stream-format';
import { AppError, ErrorCode } from '../../shared/errors';
import { pseudoRandomBytes, runThrough } from '../helpers/streams';

const HEX_KEY = 'ff'.repeat(16) + '01'.repeat(16);
const key = parseEncryptionKey(HEX_KEY);
const ring = new KeyRing(key);
const CHUNK = 1024;

async function encrypt(plain: Buffer, k = key, chunkSize = CHUNK): Promise<Buffer> {
  return runThrough(await createEncryptStream(k, { chunkSize }), plain);
}

async function decrypt(cipher: Buffer, keys = ring): Promise<Buffer> {
  return runThrough(createDecryptStream(keys), cipher, 997);
}

async function decryptError(cipher: Buffer, keys = ring): Promise<AppError> {
  try {
    await decrypt(cipher, keys);
  } catch (err) {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    return err;
  }
  assert.fail('decryption should have failed');
}

describe('encrypted stream format v2', () => {
  for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 10_000]) {
    it(`round-trips ${size} bytes`, async () => {
      const plain = pseudoRandomBytes(size, size + 1);
      const cipher = await encrypt(plain);
      const fullChunks = Math.floor(size / CHUNK);
      assert.equal(cipher.length, HEADER_LENGTH + size + (fullChunks + 1) * TAG_LENGTH);
      assert.deepEqual(await decrypt(cipher), plain);
    });
  }

  it('round-trips with a passphrase key', async () => {
    const pass = parseEncryptionKey('correct horse battery staple');
    assert.equal(pass.kind, 'passphrase');
    const plain = pseudoRandomBytes(5000);
    assert.deepEqual(await decrypt(await encrypt(plain, pass), new KeyRing(pass)), plain);
  });

  it('uses a fresh salt and nonce prefix per file', async () => {
    const plain = Buffer.from('same input');
    const a = await encrypt(plain);
    const b = await encrypt(plain);
    assert.notDeepEqual(a, b);
  });

  it('rejects every single flipped byte, header or body', async () => {
    const plain = pseudoRandomBytes(3 * CHUNK + 100);
    const cipher = await encrypt(plain);
    const positions = [
      0,
      8,
      9,
      13,
      20,
      33,
      40,
      45,
      HEADER_LENGTH,
      HEADER_LENGTH + 500,
      HEADER_LENGTH + CHUNK + 3,
      cipher.length - TAG_LENGTH - 1,
      cipher.length - 1,
    ];
    for (let p = HEADER_LENGTH; p < cipher.length; p += 211) positions.push(p);
    for (const position of positions) {
      const tampered = Buffer.from(cipher);
      tampered[position] ^= 0x01;
      const err = await decryptError(tampered);
      assert.ok([ErrorCode.CorruptBackup, ErrorCode.WrongEncryptionKey].includes(err.code), `byte ${position}: ${err.code} ${err.message}`);
    }
  });

  it('rejects truncation anywhere, including exactly at a chunk boundary', async () => {
    const cipher = await encrypt(pseudoRandomBytes(3 * CHUNK + 100));
    const record = CHUNK + TAG_LENGTH;
    for (const length of [
      0,
      5,
      HEADER_LENGTH - 1,
      HEADER_LENGTH,
      HEADER_LENGTH + 10,
      HEADER_LENGTH + record,
      HEADER_LENGTH + 2 * record,
      HEADER_LENGTH + 3 * record,
      cipher.length - 1,
    ]) {
      const err = await decryptError(cipher.subarray(0, length));
      assert.equal(err.code, ErrorCode.CorruptBackup, `length ${length}: ${err.message}`);
    }
  });

  it('rejects appended bytes and swapped chunks', async () => {
    const cipher = await encrypt(pseudoRandomBytes(3 * CHUNK + 100));
    assert.equal((await decryptError(Buffer.concat([cipher, Buffer.from([0])]))).code, ErrorCode.CorruptBackup);
    assert.equal((await decryptError(Buffer.concat([cipher, pseudoRandomBytes(CHUNK + TAG_LENGTH)]))).code, ErrorCode.CorruptBackup);
    const record = CHUNK + TAG_LENGTH;
    const first = cipher.subarray(HEADER_LENGTH, HEADER_LENGTH + record);
    const second = cipher.subarray(HEADER_LENGTH + record, HEADER_LENGTH + 2 * record);
    const swapped = Buffer.concat([cipher.subarray(0, HEADER_LENGTH), second, first, cipher.subarray(HEADER_LENGTH + 2 * record)]);
    assert.equal((await decryptError(swapped)).code, ErrorCode.CorruptBackup);
  });

  it('never passes on plaintext of a chunk that failed authentication', async () => {
    const plain = pseudoRandomBytes(3 * CHUNK);
    const tampered = Buffer.from(await encrypt(plain));
    tampered[HEADER_LENGTH + CHUNK + TAG_LENGTH + 10] ^= 0xff; // inside chunk 1
    const received: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        received.push(chunk);
        done();
      },
    });
    await assert.rejects(pipeline(Readable.from([tampered]), createDecryptStream(ring), sink), /chunk 1 failed authentication/);
    const got = Buffer.concat(received);
    assert.ok(got.length <= CHUNK, `received ${got.length} bytes, more than the one authenticated chunk`);
    assert.deepEqual(got, plain.subarray(0, got.length));
  });

  it('says which key is missing instead of a crypto error', async () => {
    const cipher = await encrypt(Buffer.from('data'));
    const other = new KeyRing(parseEncryptionKey('a different passphrase'));
    const err = await decryptError(cipher, other);
    assert.equal(err.code, ErrorCode.WrongEncryptionKey);
    assert.match(err.message, new RegExp(`key ${key.id}`));
    assert.match(err.message, /not configured/);
  });

  it('says "Encryption key not set" when no key is configured', async () => {
    const err = await decryptError(await encrypt(Buffer.from('data')), new KeyRing(undefined));
    assert.equal(err.code, ErrorCode.EncryptionKeyMissing);
    assert.match(err.message, /Encryption key not set/);
  });

  it('decrypts with an old key after rotation', async () => {
    const cipher = await encrypt(Buffer.from('made before rotation'));
    const rotated = new KeyRing(parseEncryptionKey('the new passphrase'), [key]);
    assert.equal((await decrypt(cipher, rotated)).toString(), 'made before rotation');
  });

  it('derives stable key ids that do not reveal the key', () => {
    assert.equal(parseEncryptionKey(HEX_KEY).id, key.id);
    assert.match(key.id, /^[0-9a-f]{16}$/);
    assert.ok(!HEX_KEY.includes(key.id));
    assert.notEqual(parseEncryptionKey('passphrase one').id, parseEncryptionKey('passphrase two').id);
  });

  describe('test vector of docs/FORMAT.md', () => {
    const vector = JSON.parse(readFileSync(join(__dirname, '../../../test/fixtures/format-v2-vector.json'), 'utf8'));
    const plain = Buffer.from(vector.plaintextUtf8, 'utf8');

    it('is what the encryptor writes for the fixed salt and nonce prefix', async () => {
      const k = parseEncryptionKey(vector.keyHex);
      assert.equal(k.id, vector.keyId);
      const stream = await createEncryptStream(k, {
        chunkSize: vector.chunkSize,
        salt: Buffer.from(vector.saltHex, 'hex'),
        noncePrefix: Buffer.from(vector.noncePrefixHex, 'hex'),
      });
      const out = await runThrough(stream, plain);
      assert.equal(out.toString('hex'), vector.headerHex + vector.chunk0Hex);
    });

    it('decrypts with nothing but node:crypto and the documented steps', () => {
      const header = Buffer.from(vector.headerHex, 'hex');
      const chunk = Buffer.from(vector.chunk0Hex, 'hex');
      assert.equal(header.subarray(0, 8).toString('latin1'), 'KANBUBK\0');
      const salt = header.subarray(14, 30);
      const fileKey = Buffer.from(hkdfSync('sha256', Buffer.from(vector.keyHex, 'hex'), salt, Buffer.from('kanbu-backup v2 chunk key'), 32));
      const nonce = Buffer.concat([header.subarray(42, 49), Buffer.from([0, 0, 0, 0]), Buffer.from([1])]);
      const decipher = createDecipheriv('aes-256-gcm', fileKey, nonce);
      decipher.setAAD(header);
      decipher.setAuthTag(chunk.subarray(chunk.length - 16));
      const out = Buffer.concat([decipher.update(chunk.subarray(0, chunk.length - 16)), decipher.final()]);
      assert.equal(out.toString('utf8'), vector.plaintextUtf8);
    });

    it('is accepted by the project decryptor', async () => {
      const ringV = new KeyRing(parseEncryptionKey(vector.keyHex));
      const out = await decrypt(Buffer.from(vector.headerHex + vector.chunk0Hex, 'hex'), ringV);
      assert.equal(out.toString('utf8'), vector.plaintextUtf8);
    });
  });
});
