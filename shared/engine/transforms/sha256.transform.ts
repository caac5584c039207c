import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

/** Passes bytes through unchanged while hashing and counting them. */
export class Sha256Transform extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private digest: string | null = null;
  bytes = 0;

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  _flush(callback: TransformCallback): void {
    this.digest = this.hash.digest('hex');
    callback();
  }

  /** Hex SHA-256 of everything that passed; only valid once the stream has finished. */
  hex(): string {
    if (this.digest === null) throw new Error('SHA-256 requested before the stream finished');
    return this.digest;
  }
}
