import { createDecipheriv, createHash, DecipherGCM } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { AppError, ErrorCode } from '../../errors';
import type { LegacyProof } from './legacy-authenticator';
import { LEGACY_TAG_LENGTH, LegacyLayoutReader } from './legacy-format';

function changed(): AppError {
  return new AppError(ErrorCode.CorruptBackup, 'Encrypted backup changed after it was authenticated; nothing after the last verified block was used');
}

/**
 * Second pass over a legacy file that LegacyAuthenticator accepted: a block's
 * plaintext is passed on only after the block's SHA-256 equals the one taken
 * during the authenticated pass, so a file that changes between the passes can
 * never feed unauthenticated plaintext downstream.
 */
export class LegacyDecryptStream extends Transform {
  private readonly reader = new LegacyLayoutReader();
  private decipher: DecipherGCM | null = null;
  private index = 0;

  constructor(private readonly proof: LegacyProof) {
    super();
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      for (const block of this.reader.add(chunk)) this.open(block);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  _flush(callback: TransformCallback): void {
    try {
      const { iv, last, tag } = this.reader.finish();
      if (!iv.equals(this.proof.iv) || !tag.equals(this.proof.tag)) throw changed();
      this.open(last);
      if (this.index !== this.proof.blockDigests.length) throw changed();
      const decipher = this.decipherOf();
      decipher.setAuthTag(tag);
      decipher.final();
      callback();
    } catch (err) {
      callback(err instanceof AppError ? err : changed());
    }
  }

  private open(block: Buffer): void {
    const expected = this.proof.blockDigests[this.index];
    if (!expected || !createHash('sha256').update(block).digest().equals(expected)) throw changed();
    this.index += 1;
    const plain = this.decipherOf().update(block);
    if (plain.length > 0) this.push(plain);
  }

  private decipherOf(): DecipherGCM {
    this.decipher ??= createDecipheriv('aes-256-gcm', this.proof.key, this.reader.iv!, { authTagLength: LEGACY_TAG_LENGTH });
    return this.decipher;
  }
}
