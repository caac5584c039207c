import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { createEncryptStream } from '../../shared/engine/crypto/encrypt-stream';
import { KeyRing } from '../../shared/engine/crypto/key-ring';
import { oneShotInput } from '../../shared/engine/one-shot-input';
import { decodeToBuffer } from '../helpers/decode';
import { legacyEncrypt } from '../helpers/legacy-file';
import { runThrough } from '../helpers/streams';

describe('one-shot input (stdin)', () => {
  const ring = KeyRing.fromConfig('one shot input key');
  const compressed = gzipSync(Buffer.from('SELECT 42;\n'.repeat(5000)));
  let spoolRoot: string;

  beforeEach(async () => {
    spoolRoot = await mkdtemp(join(tmpdir(), 'kbt-spool-'));
  });
  afterEach(() => rm(spoolRoot, { recursive: true, force: true }));

  it('streams v2 straight through in one pass, without spooling', async () => {
    const stored = await runThrough(await createEncryptStream(ring.current!), compressed);
    const { input, cleanup } = await oneShotInput(Readable.from([stored]), undefined, spoolRoot);
    assert.deepEqual(await readdir(spoolRoot), []);
    const { output, result } = await decodeToBuffer(input, { keys: ring, output: 'compressed' });
    assert.deepEqual(output, compressed);
    assert.equal(result.encryption, 'v2');
    await assert.rejects(input.open(), /read only once/);
    await cleanup();
  });

  it('spools a legacy file (still encrypted) for its two passes and removes the spool afterwards', async () => {
    const stored = legacyEncrypt(compressed, 'one shot input key');
    const { input, cleanup } = await oneShotInput(Readable.from([stored]), undefined, spoolRoot);
    const [spool] = await readdir(spoolRoot);
    assert.match(spool, /^kanbu-backup-spool-/);
    const { output, result } = await decodeToBuffer(input, { keys: ring, output: 'compressed' });
    assert.deepEqual(output, compressed);
    assert.equal(result.encryption, 'legacy');
    await cleanup();
    assert.deepEqual(await readdir(spoolRoot), []);
  });
});
