import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { ProgressReporter } from '../../domain/job-progress';
import { createEncryptStream } from '../../engine/crypto/encrypt-stream';
import type { EncryptionKey } from '../../engine/crypto/encryption-key';
import { KeyRing } from '../../engine/crypto/key-ring';
import { decodeBackup, decodeToEnd, storedObjectInput } from '../../engine/decode-pipeline';
import type { CopyOnTarget } from './copy-plan';

/**
 * Names a rotation uses beside `<name>`: `.rotate-<12 hex>` for a re-encrypted
 * copy waiting to replace it, `.rotate-keep-<12 hex>` for the original kept until
 * every copy of the backup is replaced.
 */
export const ROTATION_LEFTOVER = /\.rotate-(keep-)?[0-9a-f]{12}$/;

export function rotationName(name: string, kind: 'staged' | 'kept'): string {
  return `${name}.rotate-${kind === 'kept' ? 'keep-' : ''}${randomBytes(6).toString('hex')}`;
}

export interface StagedCopy extends CopyOnTarget {
  /** The verified re-encryption, beside the original. */
  staged: string;
  sizeBytes: number;
}

export interface ReencryptOptions {
  /** Every configured key: the copy may be under any of them. */
  keys: KeyRing;
  current: EncryptionKey;
  /** The catalog's SHA-256 of the compressed bytes. */
  expectedSha256: string | null;
  /** Progress of the two passes over the data. */
  onProgress?: (pass: 're-encrypting' | 'verifying', progress: Parameters<ProgressReporter>[0]) => void;
}

/**
 * Re-encrypts one copy on its own target, beside the original: decode the stored
 * object (checksum checked against the catalog) → encrypt with the current key →
 * the target's writer, under `<name>.rotate-…` → decode that completely with the
 * current key alone. The original is never touched; a failure leaves nothing
 * staged behind.
 */
export async function stageReencryptedCopy(target: CopyOnTarget, options: ReencryptOptions): Promise<StagedCopy> {
  const { copy, storage } = target;
  const staged = rotationName(copy.location, 'staged');
  try {
    const writer = await storage.createWriter(staged);
    const encryptor = await createEncryptStream(options.current);
    let sha256: string;
    try {
      const [decoded] = await Promise.all([
        decodeBackup(storedObjectInput(storage, copy.location, copy.sizeBytes ?? undefined), encryptor, {
          keys: options.keys,
          expectedSha256: options.expectedSha256,
          encrypted: true,
          output: 'compressed',
          onProgress: (p) => options.onProgress?.('re-encrypting', p),
        }),
        pipeline(encryptor, writer.stream),
      ]);
      sha256 = decoded.sha256;
      await writer.commit({ sha256 });
    } catch (err) {
      await writer.abort(err);
      throw err;
    }
    const stored = await storage.stat(staged);
    if (!stored) throw new Error(`the re-encrypted copy ${staged} is not there after it was written`);
    const verified = await decodeToEnd(storedObjectInput(storage, staged, stored.sizeBytes), {
      keys: new KeyRing(options.current),
      expectedSha256: sha256,
      encrypted: true,
      onProgress: (p) => options.onProgress?.('verifying', p),
    });
    if (verified.encryption !== 'v2' || verified.keyId !== options.current.id) throw new Error('the re-encrypted copy does not name the current key');
    if (verified.storedBytes !== stored.sizeBytes)
      throw new Error(`the re-encrypted copy reads as ${verified.storedBytes} bytes, but is listed with ${stored.sizeBytes}`);
    return { ...target, staged, sizeBytes: stored.sizeBytes };
  } catch (err) {
    await storage.delete(staged).catch(() => undefined);
    throw err;
  }
}
