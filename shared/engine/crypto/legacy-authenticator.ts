import { createDecipheriv, createHash, DecipherGCM } from 'node:crypto';
import { Writable } from 'node:stream';
import { AppError, ErrorCode } from '../../errors';
import type { KeyRing } from './key-ring';
import { LEGACY_TAG_LENGTH, legacyKeyBytes, LegacyLayoutReader } from './legacy-format';

/** What the first pass over a legacy file established, so the second pass can emit safely. */
export interface LegacyProof {
  keyId: string;
  key: Buffer;
  iv: Buffer;
  tag: Buffer;
  /** SHA-256 of every ciphertext block, in order, as authenticated. */
  blockDigests: Buffer[];
}

interface Candidate {
  keyId: string;
  key: Buffer;
  decipher: DecipherGCM | null;
}

/**
 * First pass over a legacy file: runs AES-256-GCM with every configured key over
 * the whole file, discarding the plaintext, and keeps the key whose tag
 * verifies, with a SHA-256 of each ciphertext block. Nothing is emitted: the
 * legacy format authenticates only at its very end.
 */
export class LegacyAuthenticator extends Writable {
  private readonly reader = new LegacyLayoutReader();
  private readonly digests: Buffer[] = [];
  private candidates: Candidate[] = [];
  private proofValue: LegacyProof | null = null;

  constructor(private readonly keys: KeyRing) {
    super({ highWaterMark: 1024 * 1024 });
  }

  get proof(): LegacyProof {
    if (!this.proofValue) throw new Error('The legacy file has not been authenticated');
    return this.proofValue;
  }

  _construct(callback: (error?: Error | null) => void): void {
    const keys = this.keys.all();
    if (keys.length === 0) {
      return callback(new AppError(ErrorCode.EncryptionKeyMissing, 'Encryption key not set: this backup is encrypted; set BACKUP_ENCRYPTION_KEY'));
    }
    Promise.all(keys.map(async (k) => ({ keyId: k.id, key: await legacyKeyBytes(k), decipher: null }))).then((candidates) => {
      this.candidates = candidates;
      callback();
    }, callback);
  }

  _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    for (const block of this.reader.add(chunk)) this.consume(block);
    callback();
  }

  _final(callback: (error?: Error | null) => void): void {
    try {
      const { last, tag } = this.reader.finish();
      this.consume(last);
      const winner = this.candidates.find((c) => {
        const decipher = c.decipher ?? this.decipherFor(c);
        decipher.setAuthTag(tag);
        try {
          decipher.final();
          return true;
        } catch {
          return false;
        }
      });
      if (!winner) {
        throw new AppError(
          ErrorCode.WrongEncryptionKey,
          `Wrong key or corrupted file: this legacy-format backup (which names no key) does not authenticate with any of the ${this.candidates.length} configured key(s); add the key it was made with to BACKUP_ENCRYPTION_OLD_KEYS`,
        );
      }
      this.proofValue = { keyId: winner.keyId, key: winner.key, iv: this.reader.iv!, tag, blockDigests: this.digests };
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private consume(block: Buffer): void {
    this.digests.push(createHash('sha256').update(block).digest());
    for (const candidate of this.candidates) (candidate.decipher ?? this.decipherFor(candidate)).update(block);
  }

  private decipherFor(candidate: Candidate): DecipherGCM {
    candidate.decipher = createDecipheriv('aes-256-gcm', candidate.key, this.reader.iv!, { authTagLength: LEGACY_TAG_LENGTH });
    return candidate.decipher;
  }
}
