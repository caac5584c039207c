import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { detectEncryption, ENCRYPTION_HEADER_LENGTH } from './crypto/encryption-format';
import { fileInput, StoredInput } from './decode-pipeline';
import { peekHead } from './transforms/peek-head';

export interface OneShotInput {
  input: StoredInput;
  /** Removes the spool file, if one was needed. */
  cleanup(): Promise<void>;
}

/**
 * A stream that can be read only once (stdin) as decode input. v2 and
 * unencrypted data decode in one pass and are streamed through; a legacy file
 * needs two passes, so its bytes — still encrypted — are first spooled to a
 * private temporary file (mode 0600), removed afterwards. Plaintext is never
 * written to disk.
 */
export async function oneShotInput(source: Readable, encrypted?: boolean, spoolRoot = tmpdir()): Promise<OneShotInput> {
  const { head, stream } = await peekHead(source, ENCRYPTION_HEADER_LENGTH);
  if (detectEncryption(head, encrypted) !== 'legacy') {
    let opened = false;
    const input: StoredInput = {
      async open() {
        if (opened) throw new Error('This input can be read only once');
        opened = true;
        return stream;
      },
    };
    return { input, cleanup: async () => undefined };
  }
  const dir = await mkdtemp(join(spoolRoot, 'kanbu-backup-spool-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const path = join(dir, 'legacy.enc');
    await pipeline(stream, createWriteStream(path, { mode: 0o600 }));
    return { input: await fileInput(path), cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
