import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Backup } from '../shared/catalog/entities';
import { KeyRing } from '../shared/engine/crypto/key-ring';
import { decodeToEnd, storedObjectInput } from '../shared/engine/decode-pipeline';
import { createBackup } from '../shared/jobs/create-backup';
import { rotateKeys } from '../shared/jobs/rotate-keys';
import { createLogger } from '../shared/logging';
import { startS3Server } from './lib/s3-server';
import { dropCreatedDatabases } from './lib/services';
import { startStack, TestStack } from './lib/stack';

/**
 * `npm run bench:rotation [MiB]`: wall time of `rotate-keys` on one backup with a
 * local primary and an S3 replica (s3rver on 127.0.0.1), as a ratio against
 * reading and checking both copies once (decrypt, checksum, decompress: what
 * verify does) in the same run. Rotation reads each copy twice (re-encrypt, then
 * verify the staged object) and writes it once, so about 2–3× is expected.
 */
const MiB = 1024 * 1024;
const SIZE_MIB = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 128);
const RUNS = 3;
const KEYS = ['bench rotation key one', 'bench rotation key two'];

/** Incompressible "dump" (gzip level 1 keeps it the same size): the stored size is about SIZE_MIB. */
function dump() {
  const block = randomBytes(MiB);
  return () => ({
    type: 'database' as const,
    extension: 'sql',
    async open() {
      return { stream: Readable.from(Array.from({ length: SIZE_MIB }, () => block)), estimatedBytes: SIZE_MIB * MiB, facts: {} };
    },
  });
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function readBothCopies(stack: TestStack, backup: Backup, keys: KeyRing): Promise<void> {
  for (const target of stack.runtime.targets.all) {
    await decodeToEnd(storedObjectInput(target, backup.filename), { keys, expectedSha256: backup.checksum, encrypted: true });
  }
}

async function main(): Promise<void> {
  const server = await startS3Server();
  const stack = await startStack({ env: { ...server.env('s3'), BACKUP_REPLICAS: 's3', BACKUP_ENCRYPTION_KEY: KEYS[0] } });
  const logger = createLogger('CLI');
  try {
    const { runtime } = stack;
    const backup = await createBackup(
      {
        backups: runtime.backups,
        copies: runtime.copies,
        storage: runtime.storage,
        replicas: runtime.targets.replicas,
        sources: dump(),
        keys: runtime.keys,
        compression: 'gzip',
        compressionLevel: 1,
        logger,
      },
      { type: 'database', trigger: 'cli' },
    );
    process.stdout.write(`One backup of ${SIZE_MIB} MiB on local + s3, median of ${RUNS} runs, node ${process.version}\n\n`);
    const reads: number[] = [];
    const rotations: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // Each run rotates to the other key, so every run has the whole backup to re-encrypt.
      const keys = KeyRing.fromConfig(KEYS[(run + 1) % 2], KEYS[run % 2]);
      reads.push(await seconds(() => readBothCopies(stack, backup, keys)));
      rotations.push(
        await seconds(async () => {
          const [outcome] = await rotateKeys({ backups: runtime.backups, copies: runtime.copies, targets: runtime.targets, keys, logger });
          if (outcome?.status !== 'rotated') throw new Error(`rotation did not complete: ${outcome?.error ?? 'nothing to rotate'}`);
        }),
      );
    }
    process.stdout.write('| scenario | seconds | MiB of copies / s | ratio to baseline |\n|---|---|---|---|\n');
    for (const [label, values] of [
      ['baseline: read and check both copies', reads],
      ['rotate-keys: both copies', rotations],
    ] as const) {
      const s = median(values);
      process.stdout.write(`| ${label} | ${s.toFixed(2)} | ${((2 * SIZE_MIB) / s).toFixed(0)} | ${(s / median(reads)).toFixed(2)} |\n`);
    }
  } finally {
    await stack.close();
    await server.close();
    await dropCreatedDatabases();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
