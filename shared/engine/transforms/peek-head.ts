import { Readable } from 'node:stream';

export interface PeekedStream {
  /** The first `length` bytes, or fewer when the stream is shorter. */
  head: Buffer;
  /** The whole stream again, from its first byte. */
  stream: Readable;
}

/**
 * Reads the first bytes of a stream to decide how to handle it, and gives back
 * a stream that still starts at the beginning. Destroying the returned stream
 * destroys the original one.
 */
export async function peekHead(source: Readable, length: number): Promise<PeekedStream> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let got = 0;
  let ended = false;
  while (got < length) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    chunks.push(next.value as Buffer);
    got += (next.value as Buffer).length;
  }
  const first = Buffer.concat(chunks, got);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (first.length > 0) yield first;
      if (ended) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value as Buffer;
    } finally {
      await iterator.return?.();
    }
  }
  const stream = Readable.from(replay(), { objectMode: false, highWaterMark: 1024 * 1024 });
  // A replay destroyed before it started never runs its `finally`.
  stream.once('close', () => source.destroy());
  return { head: first.subarray(0, length), stream };
}
