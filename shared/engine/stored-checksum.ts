import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDecryptStream } from './crypto/decrypt-stream';
import type { KeyRing } from './crypto/key-ring';
import { ByteCounter } from './transforms/byte-counter.transform';
import { Sha256Transform } from './transforms/sha256.transform';

/**
 * SHA-256 of a stored backup's compressed bytes, the form the catalog's checksum
 * is taken over: encrypted backups are decrypted (and so also authenticated)
 * first. Streams; keeps nothing.
 */
export async function checksumOfStored(stored: Readable, options: { encrypted: boolean; keys: KeyRing; onBytes?: (bytes: number) => void }): Promise<string> {
  const hasher = new Sha256Transform();
  const counter = new ByteCounter((bytes) => options.onBytes?.(bytes), 500);
  const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  await pipeline([stored, counter, ...(options.encrypted ? [createDecryptStream(options.keys)] : []), hasher, discard]);
  return hasher.hex();
}
