import { Readable, Writable } from 'node:stream';
import { decodeBackup, DecodeOptions, DecodeResult, StoredInput } from '../../shared/engine/decode-pipeline';

/** A stored input served from memory, opened in pieces of `pieceSize`; `versions` lets each open see other bytes. */
export function memoryInput(data: Buffer | Buffer[], pieceSize = 65_521): StoredInput & { opens: number } {
  const versions = Array.isArray(data) ? data : [data];
  const input = {
    opens: 0,
    sizeBytes: versions[0].length,
    async open() {
      const bytes = versions[Math.min(input.opens, versions.length - 1)];
      input.opens += 1;
      const pieces: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += pieceSize) pieces.push(bytes.subarray(i, i + pieceSize));
      return Readable.from(pieces);
    },
  };
  return input;
}

/** A sink that records what reached it and whether it saw a clean end. */
export function recordingSink() {
  const chunks: Buffer[] = [];
  let finished = false;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
    final(done) {
      finished = true;
      done();
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks), finished: () => finished };
}

export interface Decoded {
  result: DecodeResult;
  output: Buffer;
}

export async function decodeToBuffer(input: StoredInput, options: DecodeOptions): Promise<Decoded> {
  const rec = recordingSink();
  const result = await decodeBackup(input, rec.sink, options);
  return { result, output: rec.bytes() };
}
