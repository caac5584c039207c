import { availableParallelism } from 'node:os';
import { Transform, TransformCallback } from 'node:stream';
import { gzip, ZlibOptions } from 'node:zlib';

export const DEFAULT_GZIP_BLOCK_SIZE = 1024 * 1024;

export interface ParallelGzipOptions {
  level: number;
  /** Uncompressed bytes per gzip member. */
  blockSize?: number;
  /** Members compressed at once; 0 or undefined = one per CPU core (at least 2). */
  concurrency?: number;
}

interface Slot {
  done: boolean;
  output?: Buffer;
  error?: Error;
  settled: Promise<void>;
}

/** Members compressed at once when not configured: every core, and at least two so I/O and CPU overlap. */
export function defaultGzipConcurrency(): number {
  return Math.max(2, availableParallelism());
}

/**
 * gzip that uses every core, as pigz does: the input is cut into blocks that are
 * compressed independently on libuv's thread pool and written, in order, as the
 * members of one multi-member gzip stream (RFC 1952 §2.2), which `gunzip`, zlib
 * and every other gzip reader decompress as one. At most `concurrency` blocks are
 * in flight, so memory stays around `concurrency × 2 × blockSize` whatever the size
 * of the input, and input is not accepted faster than the pool compresses it.
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
    this.concurrency = options.concurrency && options.concurrency > 0 ? options.concurrency : defaultGzipConcurrency();
    this.zlibOptions = { level: options.level, memLevel: 9 };
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
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
    if (this.pendingBytes < this.blockSize) return;
    const data = Buffer.concat(this.pending, this.pendingBytes);
    let offset = 0;
    for (; data.length - offset >= this.blockSize; offset += this.blockSize) {
      // Wait for room before starting another block: this bounds memory and applies backpressure.
      await this.drain(this.concurrency - 1);
      this.start(data.subarray(offset, offset + this.blockSize));
    }
    const rest = data.subarray(offset);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    this.emitFinished();
  }

  private start(block: Buffer): void {
    const slot = { done: false } as Slot;
    slot.settled = new Promise<void>((resolve) => {
      gzip(block, this.zlibOptions, (err, output) => {
        slot.done = true;
        if (err) slot.error = err;
        else slot.output = output;
        resolve();
      });
    });
    this.slots.push(slot);
    this.members += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.slots.length);
  }

  /** Emits finished members in order until at most `keep` blocks are in flight. */
  private async drain(keep: number): Promise<void> {
    while (this.slots.length > keep) {
      await this.slots[0].settled;
      this.emitFinished();
    }
  }

  private emitFinished(): void {
    while (this.slots.length > 0 && this.slots[0].done) {
      const slot = this.slots.shift()!;
      if (slot.error) throw slot.error;
      this.push(slot.output);
    }
  }
}
