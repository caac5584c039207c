import { Transform, TransformCallback } from 'node:stream';

/** Counts bytes flowing through and reports them at most every `intervalMs`. */
export class ByteCounter extends Transform {
  bytes = 0;
  private lastReport = 0;

  constructor(
    private readonly onBytes: (bytes: number) => void,
    private readonly intervalMs = 1000,
  ) {
    super();
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    const now = Date.now();
    if (now - this.lastReport >= this.intervalMs) {
      this.lastReport = now;
      this.onBytes(this.bytes);
    }
    callback(null, chunk);
  }
}
