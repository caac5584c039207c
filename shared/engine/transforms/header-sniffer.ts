import { Duplex } from 'node:stream';

/**
 * A stage that picks its real implementation from the first bytes of its input
 * (e.g. gunzip or zstd by magic number) and then delegates to it, with
 * backpressure in both directions. `choose` may throw to refuse the input.
 */
export class HeaderSniffer extends Duplex {
  private head: Buffer[] = [];
  private headBytes = 0;
  private inner: Duplex | null = null;

  constructor(
    private readonly headLength: number,
    private readonly choose: (head: Buffer) => Duplex,
  ) {
    super({ readableHighWaterMark: 1024 * 1024 });
  }

  _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.inner) return this.writeInner(chunk, callback);
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < this.headLength) return callback();
    this.startInner(callback);
  }

  _final(callback: (error?: Error | null) => void): void {
    const finish = (err?: Error | null) => {
      if (err) return callback(err);
      this.inner!.end();
      callback();
    };
    if (this.inner) finish();
    else this.startInner(finish);
  }

  _read(): void {
    this.inner?.resume();
  }

  _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner?.destroy();
    callback(error);
  }

  private startInner(callback: (error?: Error | null) => void): void {
    const head = Buffer.concat(this.head, this.headBytes);
    this.head = [];
    let inner: Duplex;
    try {
      inner = this.choose(head);
    } catch (err) {
      return callback(err as Error);
    }
    this.inner = inner;
    inner.on('data', (data: Buffer) => {
      if (!this.push(data)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (err) => this.destroy(err));
    this.writeInner(head, callback);
  }

  private writeInner(chunk: Buffer, callback: (error?: Error | null) => void): void {
    if (this.inner!.write(chunk)) callback();
    else this.inner!.once('drain', () => callback());
  }
}
