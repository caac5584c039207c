import { detectCompression } from '../transforms/compression';
import { hasV2Magic, MAGIC } from './stream-format';

export type EncryptionFormat = 'v2' | 'legacy' | 'none';

/** Bytes needed to tell the formats apart. */
export const ENCRYPTION_HEADER_LENGTH = MAGIC.length;

/**
 * The encryption of a stored backup from its first bytes. The v2 magic decides
 * v2. Otherwise `encrypted` (from the catalog or the `.enc` suffix) decides
 * between legacy and none; when it is unknown, data that starts like gzip or
 * zstd is taken as unencrypted and anything else as legacy (whose first bytes
 * are a random IV).
 */
export function detectEncryption(head: Buffer, encrypted?: boolean): EncryptionFormat {
  if (hasV2Magic(head)) return 'v2';
  if (encrypted !== undefined) return encrypted ? 'legacy' : 'none';
  return detectCompression(head) ? 'none' : 'legacy';
}
