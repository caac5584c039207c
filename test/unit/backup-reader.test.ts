import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { BackupCopy } from '../../shared/catalog/entities';
import type { CopyCheckStatus } from '../../shared/catalog/repositories';
import { runCreatePipeline } from '../../shared/engine/backup-pipeline';
import { createEncryptStream } from '../../shared/engine/crypto/encrypt-stream';
import { decodeToEnd } from '../../shared/engine/decode-pipeline';
import { KeyRing } from '../../shared/engine/crypto/key-ring';
import { LocalStorage } from '../../shared/engine/storage/local.storage';
import { openReplicatedWriter } from '../../shared/engine/storage/replicated-writer';
import { StorageTargets } from '../../shared/engine/storage/storage-targets';
import { createCompressor } from '../../shared/engine/transforms/compression';
import { AppError, ErrorCode } from '../../shared/errors';
import { BackupReader, ReadableBackup } from '../../shared/jobs/backup-reader';
import { pseudoRandomBytes } from '../helpers/streams';

const NAME = 'kanbu_backup_2026-02-02T00-00-00.sql.gz.enc';
const KEY = 'reader test passphrase';

describe('backup reader (fallback to replicas)', () => {
  let root: string;
  let targets: StorageTargets;
  let backup: ReadableBackup;
  let checks: { id: string; status: CopyCheckStatus; error: string | null }[];
  const keys = KeyRing.fromConfig(KEY);
  const recorder = {
    forBackup: async () => [] as BackupCopy[],
    recordCheck: async (id: string, status: CopyCheckStatus, error: string | null) => void checks.push({ id, status, error }),
  };
  const path = (target: string) => join(root, target, NAME);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kbt-reader-'));
    checks = [];
    targets = new StorageTargets(new LocalStorage('local', join(root, 'local')), [new LocalStorage('local:replica', join(root, 'local:replica'))]);
    const writer = await openReplicatedWriter(targets.all, NAME, { requireAll: true });
    const result = await runCreatePipeline({
      source: Readable.from([pseudoRandomBytes(300_000, 4)]),
      compressor: createCompressor('gzip', 1),
      encryptor: await createEncryptStream(keys.current!),
      writer,
    });
    const copy = (target: string, isPrimary: boolean) =>
      ({ id: `id-${target}`, target, location: NAME, isPrimary, status: 'completed', sizeBytes: result.storedBytes }) as BackupCopy;
    backup = {
      id: 'b1',
      filename: NAME,
      storage: 'local',
      sizeBytes: result.storedBytes,
      checksum: result.sha256,
      encrypted: true,
      copies: [copy('local', true), copy('local:replica', false)],
    };
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const reader = () => new BackupReader(targets, { keys, copies: recorder });

  it('reads the primary when it is fine, verified when asked', async () => {
    const opened = await reader().open(backup, { verify: true });
    assert.equal(opened.target, 'local');
    assert.equal(opened.primary, true);
    assert.equal(opened.verified, true);
    assert.deepEqual(opened.skipped, []);
    assert.deepEqual(await buffer(opened.stream), await readFile(path('local')));
    assert.deepEqual(checks, [{ id: 'id-local', status: 'completed', error: null }]);
  });

  it('falls back to the replica when the primary file is missing, and records it', async () => {
    await unlink(path('local'));
    const opened = await reader().open(backup);
    assert.equal(opened.target, 'local:replica');
    assert.equal(opened.primary, false);
    assert.equal(opened.verified, false);
    assert.deepEqual(
      opened.skipped.map((s) => [s.target, s.reason]),
      [['local', 'missing']],
    );
    assert.deepEqual(await buffer(opened.stream), await readFile(path('local:replica')));
    assert.deepEqual(
      checks.map((c) => [c.id, c.status]),
      [['id-local', 'missing']],
    );
  });

  it('falls back when the primary has the wrong size (truncated)', async () => {
    const stored = await readFile(path('local'));
    await writeFile(path('local'), stored.subarray(0, stored.length - 100));
    const opened = await reader().open(backup);
    assert.equal(opened.target, 'local:replica');
    assert.match(opened.skipped[0].error, /it has \d+ bytes, the catalog says \d+/);
    assert.deepEqual(
      checks.map((c) => c.status),
      ['corrupt'],
    );
  });

  it('with verify, skips a primary that fails its checksum (same size, one byte flipped)', async () => {
    const stored = await readFile(path('local'));
    stored[stored.length - 40] ^= 0x01;
    await writeFile(path('local'), stored);
    const opened = await reader().open(backup, { verify: true });
    assert.equal(opened.target, 'local:replica');
    assert.equal(opened.verified, true);
    assert.deepEqual(
      opened.skipped.map((s) => [s.target, s.reason]),
      [['local', 'corrupt']],
    );
    assert.match(opened.skipped[0].error, /failed authentication/);
    assert.deepEqual(
      checks.map((c) => [c.id, c.status]),
      [
        ['id-local', 'corrupt'],
        ['id-local:replica', 'completed'],
      ],
    );
  });

  it('readWith: one pass per copy — a primary that fails its checksum while consumed is skipped for the replica, and the consumer saw both', async () => {
    const stored = await readFile(path('local'));
    stored[stored.length - 40] ^= 0x01;
    await writeFile(path('local'), stored);
    const consumed: string[] = [];
    const { result, chosen } = await reader().readWith(backup, async (copy) => {
      consumed.push(copy.target);
      const decoded = await decodeToEnd(copy.input, { keys, encrypted: true, expectedSha256: backup.checksum });
      return decoded.sha256;
    });
    assert.deepEqual(consumed, ['local', 'local:replica'], 'no separate verification read: each copy is read once, by the consumer');
    assert.equal(result, backup.checksum);
    assert.equal(chosen.target, 'local:replica');
    assert.deepEqual(
      chosen.skipped.map((s) => [s.target, s.reason]),
      [['local', 'corrupt']],
    );
    assert.deepEqual(
      checks.map((c) => [c.id, c.status]),
      [
        ['id-local', 'corrupt'],
        ['id-local:replica', 'completed'],
      ],
    );
  });

  it('readWith: a failure that is not corruption (e.g. the database refused the SQL) ends the read, no copy is blamed', async () => {
    const refused = new AppError(ErrorCode.RestoreFailed, 'psql: syntax error');
    const consumed: string[] = [];
    await assert.rejects(
      reader().readWith(backup, async (copy) => {
        consumed.push(copy.target);
        throw refused;
      }),
      (err) => err === refused,
    );
    assert.deepEqual(consumed, ['local']);
    assert.deepEqual(checks, []);
  });

  it('without verify, a same-size corrupt primary is not detected: that is what verify is for', async () => {
    const stored = await readFile(path('local'));
    stored[100] ^= 0xff;
    await writeFile(path('local'), stored);
    assert.equal((await reader().open(backup)).target, 'local');
  });

  it('fails with BACKUP_FILE_NOT_FOUND when no copy is left, naming each', async () => {
    await unlink(path('local'));
    await unlink(path('local:replica'));
    await assert.rejects(reader().open(backup), (err: AppError) => {
      assert.equal(err.code, ErrorCode.BackupFileNotFound);
      assert.match(err.message, /^Backup file not found: no copy of .* is left \(local: missing .*; local:replica: missing/);
      return true;
    });
  });

  it('answers 422 CHECKSUM_MISMATCH when every copy fails its checksum', async () => {
    for (const target of ['local', 'local:replica']) {
      const stored = await readFile(path(target));
      stored[stored.length - 1] ^= 0x01;
      await writeFile(path(target), stored);
    }
    await assert.rejects(reader().open(backup, { verify: true }), (err: AppError) => err.code === ErrorCode.ChecksumMismatch);
  });

  it('skips a copy on a target that is no longer configured', async () => {
    targets = new StorageTargets(new LocalStorage('local:other', join(root, 'other')), [targets.replicas[0]]);
    const opened = await reader().open(backup);
    assert.equal(opened.target, 'local:replica');
    assert.deepEqual(
      opened.skipped.map((s) => [s.target, s.reason]),
      [['local', 'not_configured']],
    );
  });

  it('stops with the key error when the key is missing, instead of calling every copy corrupt', async () => {
    const withoutKey = new BackupReader(targets, { keys: KeyRing.fromConfig(undefined), copies: recorder });
    await assert.rejects(withoutKey.open(backup, { verify: true }), (err: AppError) => err.code === ErrorCode.EncryptionKeyMissing);
    assert.deepEqual(checks, []);
  });

  it('reads a backup recorded without copy rows from its primary target', async () => {
    const opened = await reader().open({ ...backup, copies: [] });
    assert.equal(opened.target, 'local');
    assert.deepEqual(checks, [], 'nothing to record for an implied copy');
  });
});
