import { createCipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * A file in the legacy format, made from the layout documented in docs/FORMAT.md
 * with nothing but node:crypto: [16-byte IV][AES-256-GCM ciphertext][16-byte tag].
 */
export function legacyEncrypt(plain: Buffer, configuredKey: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(configuredKey)
    ? Buffer.from(configuredKey, 'hex')
    : pbkdf2Sync(Buffer.from(configuredKey, 'utf8'), Buffer.from('kanbu-backup-encryption-salt-v1', 'ascii'), 100_000, 32, 'sha256');
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}
