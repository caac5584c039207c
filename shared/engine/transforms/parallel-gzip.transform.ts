import { availableParallelism } from 'node:os';
import { Transform, TransformCallback } from 'node:stream';
import { gzip, ZlibOptions } from 'node:zlib';

export const DEFAULT_GZIP_BLOCK_SIZE = 1024 * 1024;

export interface ParallelGzipOptions {
  level: number;
  /** Uncompressed bytes per gzip member. */
  blockSize?: number;
  /** Blocks in flight (compressing, or compressed and waiting for their turn); 0 or undefined = gzipBlocksInFlight(). */
  concurrency?: number;
}

interface Slot {
  done: boolean;
  output?: Buffer;
  error?: Error;
  settled: Promise<void>;
}

/**
 * Blocks kept in flight for `threads` cores (0 = every core): twice as many.
 * Blocks are written in input order, so a finished block waits behind the
 * oldest one; with one block per core, a core whose block finished early idles
 * until the oldest is written, and every core idles while the main thread hashes,
 * encrypts and writes. With two per core, each core always has a queued block.
 */
export function gzipBlocksInFlight(threads = 0): number {
  return 2 * (threads > 0 ? threads : availableParallelism());
}

/**
 * gzip that uses every core, as pigz does: the input is cut into blocks that are
 * compressed independently on libuv's thread pool and written, in order, as the
 * members of one multi-member gzip stream (RFC 1952 §2.2), which `gunzip`, zlib
 * and every other gzip reader decompress as one. At most `concurrency` blocks are
 * in flight, so memory stays around `concurrency × 2 × blockSize` whatever the size
 * of the input, and input is not accepted faster than the pool compresses it.
 * A block is written as soon as it and every block before it are done.
 */
export class ParallelGzip extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly slots: Slot[] = [];
  private members = 0;
  private readonly blockSize: number;
  private readonly concurrency: number;
  private readonly zlibOptions: ZlibOptions;
  /** Highest number of blocks in flight at once; exposed for tests of the bound. */
  maxInFlight = 0;

  constructor(options: ParallelGzipOptions) {
    super({ readableHighWaterMark: 1024 * 1024 });
    this.blockSize = options.blockSize ?? DEFAULT_GZIP_BLOCK_SIZE;
    this.concurrency = options.concurrency && options.concurrency > 0 ? options.concurrency : gzipBlocksInFlight();
    this.zlibOptions = { level: options.level, memLevel: 9 };
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.blockSize) return callback();
    this.startFullBlocks().then(() => callback(), callback);
  }

  _flush(callback: TransformCallback): void {
    this.finish().then(() => callback(), callback);
  }

  private async finish(): Promise<void> {
    // An empty input still becomes one (empty) member: a valid gzip file.
    if (this.pendingBytes > 0 || this.members === 0) {
      await this.drain(this.concurrency - 1);
      this.start(Buffer.concat(this.pending, this.pendingBytes));
    }
    this.pending = [];
    this.pendingBytes = 0;
    await this.drain(0);
  }

  private async startFullBlocks(): Promise<void> {
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    let offset = 0;
    for (; data.length - offset >= this.blockSize; offset += this.blockSize) {
      // Wait for room before starting another block: this bounds memory and applies backpressure.
      await this.drain(this.concurrency - 1);
      this.start(data.subarray(offset, offset + this.blockSize));
    }
    const rest = data.subarray(offset);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
  }

  private start(block: Buffer): void {
    let settle!: () => void;
    const slot: Slot = { done: false, settled: new Promise<void>((resolve) => (settle = resolve)) };
    // A bad option throws here, synchronously, into the stream.
    gzip(block, this.zlibOptions, (err, output) => {
      slot.done = true;
      if (err) slot.error = err;
      else slot.output = output;
      settle();
      // Written now, not when the next input arrives: the writer must not wait for pg_dump.
      this.emitFinished();
    });
    this.slots.push(slot);
    this.members += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.slots.length);
  }

  /** Waits until at most `keep` blocks are in flight; finished blocks are emitted as they complete. */
  private async drain(keep: number): Promise<void> {
    while (this.slots.length > keep) {
      const oldest = this.slots[0];
      await oldest.settled;
      if (oldest.error) throw oldest.error;
    }
  }

  private emitFinished(): void {
    while (this.slots.length > 0 && this.slots[0].done) {
      const slot = this.slots[0];
      // A failed block stays at the head: drain() rethrows its error into the stream.
      if (slot.error) return;
      this.slots.shift();
      this.push(slot.output);
    }
  }
}
