import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { ChildTransform } from '../../shared/engine/process/child-transform';
import { createCompressor, createDecompressorByHeader, detectCompression } from '../../shared/engine/transforms/compression';
import { gzipBlocksInFlight, ParallelGzip } from '../../shared/engine/transforms/parallel-gzip.transform';
import { AppError, ErrorCode } from '../../shared/errors';
import { pseudoRandomBytes, runThrough } from '../helpers/streams';

const BLOCK = 64 * 1024;

/** Text that compresses like a dump: repetitive but not trivially so. */
function sqlLike(bytes: number): Buffer {
  const words = ['INSERT', 'task', 'kanbu', 'board', 'lorem', 'ipsum', 'COPY', 'done', '\\N', '2026-01-18'];
  const noise = pseudoRandomBytes(bytes, 3);
  let text = '';
  for (let i = 0; text.length < bytes; i++) text += `${words[noise[i % bytes] % words.length]}${i % 13 === 0 ? '\n' : '\t'}`;
  return Buffer.from(text.slice(0, bytes));
}

async function decompress(data: Buffer): Promise<Buffer> {
  return runThrough(createDecompressorByHeader(), data);
}

describe('parallel gzip', () => {
  for (const size of [0, 1, BLOCK - 1, BLOCK, 3 * BLOCK + 17]) {
    it(`writes ${size} bytes as gzip that zlib and the system gunzip read back`, async () => {
      const plain = sqlLike(size);
      const gz = await runThrough(new ParallelGzip({ level: 6, blockSize: BLOCK, concurrency: 3 }), plain, 10_000);
      assert.deepEqual(gunzipSync(gz), plain);
      const gunzip = spawnSync('gunzip', ['-c'], { input: gz, maxBuffer: 64 * 1024 * 1024 });
      assert.equal(gunzip.status, 0, gunzip.stderr.toString());
      assert.deepEqual(gunzip.stdout, plain);
    });
  }

  it('keeps at most `concurrency` blocks in flight and the output in input order', async () => {
    const plain = Buffer.concat([sqlLike(5 * BLOCK), pseudoRandomBytes(4 * BLOCK, 9), sqlLike(BLOCK / 2)]);
    const gzip = new ParallelGzip({ level: 1, blockSize: BLOCK, concurrency: 2 });
    const gz = await runThrough(gzip, plain, 3 * BLOCK);
    assert.equal(gzip.maxInFlight, 2);
    assert.deepEqual(gunzipSync(gz), plain);
  });

  it('keeps two blocks in flight per core: a finished block waits for the oldest while every core has work', () => {
    assert.equal(gzipBlocksInFlight(), 2 * availableParallelism());
    assert.equal(gzipBlocksInFlight(0), 2 * availableParallelism());
    assert.equal(gzipBlocksInFlight(3), 6);
  });

  it('fills every slot before it waits, when the input is there', async () => {
    const gzip = new ParallelGzip({ level: 6, blockSize: BLOCK, concurrency: 4 });
    const gz = await runThrough(gzip, sqlLike(12 * BLOCK), 12 * BLOCK);
    assert.equal(gzip.maxInFlight, 4);
    assert.deepEqual(gunzipSync(gz), sqlLike(12 * BLOCK));
  });

  it('writes a compressed block as soon as it is done, without waiting for more input', async () => {
    const gzip = new ParallelGzip({ level: 6, blockSize: BLOCK, concurrency: 4 });
    const first = sqlLike(BLOCK);
    gzip.write(first);
    // No further write and no end: the member must still come out (the writer must not wait for pg_dump).
    const [member] = (await once(gzip, 'data')) as [Buffer];
    assert.deepEqual(gunzipSync(member), first);
    gzip.end();
    await buffer(gzip);
  });

  it('fails the stream when a block cannot be compressed, with the zlib error', async () => {
    const gzip = new ParallelGzip({ level: 42, blockSize: BLOCK, concurrency: 2 });
    await assert.rejects(runThrough(gzip, sqlLike(3 * BLOCK)), /level|invalid|out of range/i);
  });

  it('compresses better at a higher level, so the level is honoured', async () => {
    const plain = sqlLike(8 * BLOCK);
    const fast = await runThrough(new ParallelGzip({ level: 1, blockSize: BLOCK }), plain);
    const small = await runThrough(new ParallelGzip({ level: 9, blockSize: BLOCK }), plain);
    assert.ok(small.length < fast.length, `level 9 ${small.length} vs level 1 ${fast.length}`);
  });
});

describe('zstd and compression detection', () => {
  it('round-trips through the zstd binary, and the zstd CLI reads our output', async () => {
    const plain = sqlLike(300_000);
    const zst = await runThrough(createCompressor('zstd', 6), plain);
    assert.equal(detectCompression(zst), 'zstd');
    assert.deepEqual(await decompress(zst), plain);
    const cli = spawnSync('zstd', ['-d', '-c', '-q'], { input: zst });
    assert.equal(cli.status, 0);
    assert.deepEqual(cli.stdout, plain);
  });

  it('picks gzip or zstd by the header, whatever the name says', async () => {
    const plain = sqlLike(100_000);
    const gz = await runThrough(createCompressor('gzip', 6), plain);
    assert.equal(detectCompression(gz), 'gzip');
    let detected: string | undefined;
    assert.deepEqual(
      await runThrough(
        createDecompressorByHeader((c) => (detected = c)),
        gz,
        1,
      ),
      plain,
      'one byte at a time',
    );
    assert.equal(detected, 'gzip');
  });

  it('refuses data that is neither gzip nor zstd, and an empty input', async () => {
    for (const input of [Buffer.from('CREATE TABLE x();'), Buffer.alloc(0)]) {
      await assert.rejects(decompress(input), (err: AppError) => err.code === ErrorCode.CorruptBackup && /Unknown compression|empty/.test(err.message));
    }
  });

  it("reports a corrupted zstd stream with zstd's own message", async () => {
    const zst = await runThrough(createCompressor('zstd', 3), sqlLike(200_000));
    const broken = Buffer.from(zst);
    broken[broken.length - 10] ^= 0xff;
    await assert.rejects(decompress(broken), (err: AppError) => err.code === ErrorCode.CorruptBackup && /^zstd exited with code/.test(err.message));
  });

  it('fails a command stage that exits non-zero or cannot start, with its stderr', async () => {
    const failing = new ChildTransform('sh', ['-c', 'cat >/dev/null; echo "boom" >&2; exit 3'], { label: 'sh' });
    await assert.rejects(
      pipeline(Readable.from([Buffer.from('x')]), failing, async (s) => buffer(s)),
      /sh exited with code 3: boom/,
    );
    const missing = new ChildTransform('no-such-binary-kbt', [], { label: 'zstd' });
    await assert.rejects(
      pipeline(Readable.from([Buffer.from('x')]), missing, async (s) => buffer(s)),
      /no-such-binary-kbt is not installed or not on PATH/,
    );
  });
});
