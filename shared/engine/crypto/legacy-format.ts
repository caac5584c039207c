import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { AppError, ErrorCode } from '../../errors';
import type { EncryptionKey } from './encryption-key';
import { PBKDF2_ITERATIONS } from './encryption-key';

/**
 * The legacy format of Kanbu's own backup function (docs/FORMAT.md):
 *
 *   [IV, 16 bytes][AES-256-GCM ciphertext of the whole file][GCM tag, 16 bytes]
 *
 * key = the 64-hex key, or PBKDF2-SHA256(passphrase, "kanbu-backup-encryption-salt-v1",
 * 100000, 32). Read only; new backups are always written in format v2.
 */
export const LEGACY_IV_LENGTH = 16;
export const LEGACY_TAG_LENGTH = 16;
export const LEGACY_SALT = Buffer.from('kanbu-backup-encryption-salt-v1', 'latin1');
/** Ciphertext is checked block by block on the second pass; one SHA-256 per block is kept. */
export const LEGACY_BLOCK_SIZE = 1024 * 1024;

const pbkdf2Async = promisify(pbkdf2);

export async function legacyKeyBytes(key: EncryptionKey): Promise<Buffer> {
  if (key.kind === 'raw') return key.material;
  return pbkdf2Async(key.material, LEGACY_SALT, PBKDF2_ITERATIONS, 32, 'sha256');
}

function corrupt(message: string): AppError {
  return new AppError(ErrorCode.CorruptBackup, message);
}

/**
 * Cuts a legacy file, as it streams by, into its IV, ciphertext blocks of
 * LEGACY_BLOCK_SIZE bytes (the last one shorter) and the tag. The last 16
 * bytes seen are always held back: until the end they may be the tag.
 */
export class LegacyLayoutReader {
  iv: Buffer | null = null;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;

  /** Feeds bytes; returns the ciphertext blocks now known to be complete. */
  add(chunk: Buffer): Buffer[] {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    if (!this.iv) {
      if (this.bufferedBytes < LEGACY_IV_LENGTH) return [];
      const data = this.take();
      this.iv = Buffer.from(data.subarray(0, LEGACY_IV_LENGTH));
      this.keep(data.subarray(LEGACY_IV_LENGTH));
    }
    if (this.bufferedBytes < LEGACY_BLOCK_SIZE + LEGACY_TAG_LENGTH) return [];
    const data = this.take();
    const blocks: Buffer[] = [];
    let offset = 0;
    for (; data.length - offset >= LEGACY_BLOCK_SIZE + LEGACY_TAG_LENGTH; offset += LEGACY_BLOCK_SIZE) {
      blocks.push(data.subarray(offset, offset + LEGACY_BLOCK_SIZE));
    }
    this.keep(data.subarray(offset));
    return blocks;
  }

  /** At the end of the file: the last (possibly empty) block and the tag. */
  finish(): { iv: Buffer; last: Buffer; tag: Buffer } {
    const rest = this.take();
    if (!this.iv || rest.length < LEGACY_TAG_LENGTH) {
      throw corrupt('Encrypted backup is truncated: too short for the legacy format (IV and tag need 32 bytes)');
    }
    return { iv: this.iv, last: rest.subarray(0, rest.length - LEGACY_TAG_LENGTH), tag: Buffer.from(rest.subarray(rest.length - LEGACY_TAG_LENGTH)) };
  }

  private take(): Buffer {
    const data = Buffer.concat(this.buffered, this.bufferedBytes);
    this.buffered = [];
    this.bufferedBytes = 0;
    return data;
  }

  private keep(rest: Buffer): void {
    if (rest.length === 0) return;
    this.buffered.push(rest);
    this.bufferedBytes += rest.length;
  }
}
