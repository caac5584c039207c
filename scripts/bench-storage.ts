import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LocalStorage } from '../shared/engine/storage/local.storage';
import { openReplicatedWriter, ReplicatedWriter } from '../shared/engine/storage/replicated-writer';
import { S3Storage } from '../shared/engine/storage/s3.storage';
import type { StorageBackend, StorageWriter } from '../shared/engine/storage/storage-backend';
import { S3_ACCESS_KEY, S3_SECRET_KEY, startS3Server } from './lib/s3-server';

/**
 * `npm run bench:storage [MiB]`: throughput and peak memory of writing one backup
 * to one or several targets, as ratios against a plain file write + fsync measured
 * in the same run (machines here are shared and noisy: compare ratios, not MB/s).
 * Scenarios take turns run by run, so a burst of load hits all of them alike. The
 * S3 server runs in a child process, so the memory measured is ours alone.
 */
const MiB = 1024 * 1024;
const SIZE_MIB = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 256);
const RUNS = 5;
const block = randomBytes(MiB);

function source(): Readable {
  let sent = 0;
  return new Readable({
    read() {
      this.push(sent++ < SIZE_MIB ? block : null);
    },
  });
}

/** Runs `fn` and returns its time and the largest RSS growth seen while it ran. */
async function measure(fn: () => Promise<void>): Promise<{ seconds: number; peakRssMiB: number }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = process.hrtime.bigint();
  await fn();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  return { seconds, peakRssMiB: (Math.max(peak, process.memoryUsage().rss) - before) / MiB };
}

/** A writer that keeps nothing: isolates the cost of the tee from the cost of the disk. */
function discardWriter(): StorageWriter {
  let bytes = 0;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  return { stream, commit: async () => ({ sizeBytes: bytes }), abort: async () => undefined };
}

async function teeToDiscard(copies: number): Promise<void> {
  const branches = Array.from({ length: copies }, (_, i) => ({
    target: `discard:${i}`,
    primary: i === 0,
    writer: discardWriter(),
    remove: async () => undefined,
  }));
  const writer = new ReplicatedWriter(branches, { requireAll: true });
  await pipeline(source(), writer.stream);
  await writer.commit({ sha256: '0'.repeat(64) });
}

async function plainWriteWithFsync(path: string): Promise<void> {
  await pipeline(source(), createWriteStream(path));
  const handle = await open(path, 'r');
  await handle.sync();
  await handle.close();
}

/** Child mode: serve S3 until stdin closes. */
async function serveS3(): Promise<void> {
  const server = await startS3Server();
  process.stdout.write(`${JSON.stringify({ endpoint: server.endpoint, bucket: server.bucket })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
}

async function startS3Child(): Promise<{ endpoint: string; bucket: string; stop(): void }> {
  const child = spawn(process.execPath, [__filename, '--serve-s3'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.on('exit', (code) => reject(new Error(`the S3 server exited with ${code}`)));
  });
  return { ...JSON.parse(line), stop: () => child.stdin.end() };
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'kbt-bench-'));
  const s3server = await startS3Child();
  let n = 0;
  const local = (name: string) => new LocalStorage(name, join(root, name));
  const s3 = (name: string) =>
    new S3Storage(name, {
      bucket: s3server.bucket,
      region: 'us-east-1',
      endpoint: s3server.endpoint,
      prefix: `bench-${n}`,
      forcePathStyle: true,
      partSizeBytes: 8 * MiB,
      credentials: { accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY },
    });
  const replicated = (targets: () => StorageBackend[]) => async () => {
    const name = `kanbu_backup_bench-${n++}.sql.gz`;
    const writer = await openReplicatedWriter(targets(), name, { requireAll: true });
    await pipeline(source(), writer.stream);
    await writer.commit({ sha256: '0'.repeat(64) });
  };
  const scenarios: [string, () => Promise<void>][] = [
    ['baseline: plain file write + fsync', () => plainWriteWithFsync(join(root, `plain-${n++}`))],
    ['discard (source speed)', () => pipeline(source(), new Writable({ write: (_c, _e, cb) => cb() }))],
    ['tee to 1 discarding copy (tee overhead, no disk)', () => teeToDiscard(1)],
    ['tee to 3 discarding copies (tee overhead, no disk)', () => teeToDiscard(3)],
    ['local (temp + fsync + link)', replicated(() => [local('local')])],
    ['local + local replica', replicated(() => [local('local'), local('local:2')])],
    ['local + s3 replica (s3rver on 127.0.0.1)', replicated(() => [local('local'), s3('s3')])],
    ['s3 alone (s3rver on 127.0.0.1)', replicated(() => [s3('s3')])],
  ];
  try {
    process.stdout.write(`Writing ${SIZE_MIB} MiB, median of ${RUNS} runs, node ${process.version}\n\n`);
    process.stdout.write('| scenario | MiB/s | ratio to baseline | peak RSS growth (MiB) |\n|---|---|---|---|\n');
    const results = scenarios.map(() => [] as { seconds: number; peakRssMiB: number }[]);
    for (let i = 0; i < RUNS; i++) {
      for (const [index, [, run]] of scenarios.entries()) results[index].push(await measure(run));
    }
    const rates = results.map((runs) => SIZE_MIB / [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(RUNS / 2)].seconds);
    for (const [index, [label]] of scenarios.entries()) {
      const peak = Math.max(...results[index].map((r) => r.peakRssMiB));
      process.stdout.write(`| ${label} | ${rates[index].toFixed(0)} | ${(rates[index] / rates[0]).toFixed(2)} | ${peak.toFixed(0)} |\n`);
    }
  } finally {
    s3server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

(process.argv.includes('--serve-s3') ? serveS3() : main()).catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
