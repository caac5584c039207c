import { Transform, TransformCallback } from 'node:stream';
import { createHash, Hash } from 'node:crypto';
import { AppError, ErrorCode } from '../../errors';

/**
 * Passes bytes through and, at the end, fails the stream unless their SHA-256
 * equals `expected`. The failure happens before the end reaches downstream,
 * so a consumer (psql in one transaction) never sees a clean end of bad data.
 */
export class ChecksumVerifyTransform extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly expected: string) {
    super();
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  _flush(callback: TransformCallback): void {
    const actual = this.hash.digest('hex');
    if (actual !== this.expected) {
      return callback(new AppError(ErrorCode.ChecksumMismatch, `Checksum mismatch: the backup's SHA-256 is ${actual}, the catalog recorded ${this.expected}`));
    }
    callback();
  }
}
