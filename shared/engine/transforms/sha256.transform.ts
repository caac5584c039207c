import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { AppError, ErrorCode } from '../../errors';

/**
 * Passes bytes through unchanged while hashing and counting them. Given an
 * expected digest, the stream fails at its end with CHECKSUM_MISMATCH instead
 * of ending, so nothing downstream sees a clean end of a wrong backup.
 */
export class Sha256Transform extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private digest: string | null = null;
  bytes = 0;

  constructor(private readonly expected?: string | null) {
    super();
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  _flush(callback: TransformCallback): void {
    this.digest = this.hash.digest('hex');
    if (this.expected && this.expected.toLowerCase() !== this.digest) {
      return callback(
        new AppError(ErrorCode.ChecksumMismatch, `Checksum mismatch: the compressed data has SHA-256 ${this.digest}, expected ${this.expected.toLowerCase()}`),
      );
    }
    callback();
  }

  /** Hex SHA-256 of everything that passed; only valid once the stream has finished. */
  hex(): string {
    if (this.digest === null) throw new Error('SHA-256 requested before the stream finished');
    return this.digest;
  }
}
