import { createHash, pbkdf2Sync } from 'node:crypto';

export const PBKDF2_ITERATIONS = 100_000;
const KEY_ID_LABEL = 'kanbu-backup key-id v1';
const KEY_ID_SALT = 'kanbu-backup-key-id-v1';
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/**
 * A configured encryption key: either 32 raw bytes (given as 64 hex characters)
 * or a passphrase that is stretched with PBKDF2-SHA256 per file.
 */
export interface EncryptionKey {
  /** 16 hex characters, derived from the key; safe to store and show. */
  readonly id: string;
  readonly kind: 'raw' | 'passphrase';
  /** The 32 key bytes, or the UTF-8 passphrase. Never log. */
  readonly material: Buffer;
}

/**
 * The key id must not make guessing a passphrase cheaper than attacking the
 * file itself, so a passphrase's id goes through the same PBKDF2 cost first.
 */
function keyIdOf(kind: EncryptionKey['kind'], material: Buffer): string {
  const secret = kind === 'raw' ? material : pbkdf2Sync(material, KEY_ID_SALT, PBKDF2_ITERATIONS, 32, 'sha256');
  return createHash('sha256').update(KEY_ID_LABEL).update(secret).digest('hex').slice(0, 16);
}

export function parseEncryptionKey(value: string): EncryptionKey {
  const kind = HEX_KEY.test(value) ? 'raw' : 'passphrase';
  const material = kind === 'raw' ? Buffer.from(value, 'hex') : Buffer.from(value, 'utf8');
  return { id: keyIdOf(kind, material), kind, material };
}
