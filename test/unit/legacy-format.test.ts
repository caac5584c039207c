import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { decodeBackup } from '../../shared/engine/decode-pipeline';
import { parseEncryptionKey } from '../../shared/engine/crypto/encryption-key';
import { KeyRing } from '../../shared/engine/crypto/key-ring';
import { LEGACY_BLOCK_SIZE } from '../../shared/engine/crypto/legacy-format';
import { ErrorCode } from '../../shared/errors';
import { decodeToBuffer, memoryInput, recordingSink } from '../helpers/decode';
import { legacyEncrypt } from '../helpers/legacy-file';
import { pseudoRandomBytes } from '../helpers/streams';
import { appErrorFrom } from '../helpers/app-error';

const HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const PASSPHRASE = 'the old kanbu passphrase';

describe('legacy encrypted format (read only)', () => {
  for (const [name, key] of [
    ['a 64-hex key', HEX],
    ['a passphrase (PBKDF2 with the fixed salt)', PASSPHRASE],
  ]) {
    for (const size of [0, 1000, LEGACY_BLOCK_SIZE, 2 * LEGACY_BLOCK_SIZE + 33]) {
      it(`decrypts ${size} bytes made with ${name}`, async () => {
        const plain = pseudoRandomBytes(size, size + 5);
        const input = memoryInput(legacyEncrypt(plain, key));
        const { result, output } = await decodeToBuffer(input, { keys: KeyRing.fromConfig(key), output: 'compressed', encrypted: true });
        assert.deepEqual(output, plain);
        assert.equal(result.encryption, 'legacy');
        assert.equal(result.keyId, parseEncryptionKey(key).id);
        assert.equal(input.opens, 3, 'peek, authenticate, then decrypt');
      });
    }
  }

  it('is recognised without a hint, restores compressed SQL, and finds the right key among old ones', async () => {
    const sql = Buffer.from('CREATE TABLE t (id int);\n'.repeat(1000));
    const input = memoryInput(legacyEncrypt(gzipSync(sql), PASSPHRASE));
    const keys = KeyRing.fromConfig('the new key, 2026', `some other key,${PASSPHRASE}`);
    const { result, output } = await decodeToBuffer(input, { keys, output: 'plain' });
    assert.deepEqual(output, sql);
    assert.equal(result.encryption, 'legacy');
    assert.equal(result.compression, 'gzip');
  });

  it('reports a wrong key as such, and emits nothing', async () => {
    const rec = recordingSink();
    const err = await appErrorFrom(
      decodeBackup(memoryInput(legacyEncrypt(Buffer.from('data'), HEX)), rec.sink, { keys: KeyRing.fromConfig(PASSPHRASE), output: 'compressed' }),
    );
    assert.equal(err.code, ErrorCode.WrongEncryptionKey);
    assert.match(err.message, /Wrong key/);
    assert.equal(rec.bytes().length, 0);
  });

  it('emits nothing from a file with one flipped byte anywhere, or a truncated one', async () => {
    const file = legacyEncrypt(pseudoRandomBytes(LEGACY_BLOCK_SIZE + 5000), HEX);
    for (const position of [0, 15, 16, 5000, LEGACY_BLOCK_SIZE + 100, file.length - 17, file.length - 1]) {
      const tampered = Buffer.from(file);
      tampered[position] ^= 0x40;
      const rec = recordingSink();
      const err = await appErrorFrom(decodeBackup(memoryInput(tampered), rec.sink, { keys: KeyRing.fromConfig(HEX), output: 'compressed', encrypted: true }));
      assert.equal(err.code, ErrorCode.WrongEncryptionKey, `byte ${position}`);
      assert.equal(rec.bytes().length, 0, `byte ${position}: nothing may be passed on`);
    }
    const err = await appErrorFrom(decodeToBuffer(memoryInput(file.subarray(0, 20)), { keys: KeyRing.fromConfig(HEX), output: 'compressed', encrypted: true }));
    assert.equal(err.code, ErrorCode.CorruptBackup);
  });

  it('stops at the first block that changed after the authenticating pass', async () => {
    const plain = pseudoRandomBytes(3 * LEGACY_BLOCK_SIZE, 11);
    const file = legacyEncrypt(plain, HEX);
    const swapped = Buffer.from(file);
    swapped[16 + LEGACY_BLOCK_SIZE + 7] ^= 0x01; // inside the second block
    const rec = recordingSink();
    const input = memoryInput([file, file, swapped]);
    const err = await appErrorFrom(decodeBackup(input, rec.sink, { keys: KeyRing.fromConfig(HEX), output: 'compressed', encrypted: true }));
    assert.equal(err.code, ErrorCode.CorruptBackup);
    assert.match(err.message, /changed after it was authenticated/);
    assert.ok(rec.bytes().length <= LEGACY_BLOCK_SIZE, 'only the block before the change may have been passed on');
    assert.deepEqual(rec.bytes(), plain.subarray(0, rec.bytes().length));
    assert.equal(rec.finished(), false);
  });

  it('says the key is not set when no key is configured', async () => {
    const err = await appErrorFrom(
      decodeToBuffer(memoryInput(legacyEncrypt(Buffer.from('x'), HEX)), { keys: new KeyRing(undefined), output: 'compressed', encrypted: true }),
    );
    assert.equal(err.code, ErrorCode.EncryptionKeyMissing);
  });
});
