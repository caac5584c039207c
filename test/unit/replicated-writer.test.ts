import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { runCreatePipeline } from '../../shared/engine/backup-pipeline';
import { GDriveStorage } from '../../shared/engine/storage/gdrive.storage';
import { LocalStorage } from '../../shared/engine/storage/local.storage';
import { openReplicatedWriter } from '../../shared/engine/storage/replicated-writer';
import type { StorageBackend, StorageWriter } from '../../shared/engine/storage/storage-backend';
import { pseudoRandomBytes } from '../helpers/streams';

const NAME = 'kanbu_backup_2026-01-01T00-00-00.sql.gz';

/** A local directory whose writes break after `failAfter` bytes, like a disk that fills up or a link that drops. */
class BreakingStorage extends LocalStorage {
  constructor(
    name: string,
    root: string,
    private readonly failAfter: number,
  ) {
    super(name, root);
  }

  override async createWriter(name: string): Promise<StorageWriter> {
    const inner = await super.createWriter(name);
    let written = 0;
    const stream = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        written += chunk.length;
        if (written > this.failAfter) return callback(new Error(`ENOSPC: no space left on device (${this.name})`));
        inner.stream.write(chunk, callback);
      },
      final: (callback) => inner.stream.end(callback),
    });
    return {
      stream,
      commit: (m) => inner.commit(m),
      abort: (r) => {
        stream.destroy();
        return inner.abort(r);
      },
    };
  }
}

describe('replicated writer (one pass, every target)', () => {
  let root: string;
  const data = pseudoRandomBytes(3 * 1024 * 1024, 9);
  const dir = (name: string) => join(root, name);
  const local = (name: string) => new LocalStorage(name, dir(name));

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kbt-repl-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  function source(): Readable {
    const pieces = [];
    for (let i = 0; i < data.length; i += 64 * 1024) pieces.push(data.subarray(i, i + 64 * 1024));
    return Readable.from(pieces);
  }

  async function run(targets: StorageBackend[], requireAll = false) {
    const failures: string[] = [];
    const writer = await openReplicatedWriter(targets, NAME, { requireAll, onCopyFailed: (target) => failures.push(target) });
    const result = await runCreatePipeline({ source: source(), compressor: new PassThrough(), writer }).then(
      (r) => r,
      (err: Error) => err,
    );
    return { writer, result, failures };
  }

  const files = (name: string) => readdir(dir(name)).catch(() => [] as string[]);

  it('writes the same bytes to the primary and every replica', async () => {
    const { writer, result, failures } = await run([local('local'), local('local:a'), local('local:b')]);
    assert.ok(!(result instanceof Error), String(result));
    assert.equal(result.storedBytes, data.length);
    for (const target of ['local', 'local:a', 'local:b']) assert.deepEqual(await readFile(join(dir(target), NAME)), data, target);
    assert.deepEqual(
      writer.outcomes().map((o) => [o.target, o.state, o.sizeBytes]),
      [
        ['local', 'committed', data.length],
        ['local:a', 'committed', data.length],
        ['local:b', 'committed', data.length],
      ],
    );
    assert.deepEqual(failures, []);
  });

  it('drops a replica that fails half-way, removes its partial file, and completes the primary', async () => {
    const { writer, result, failures } = await run([local('local'), new BreakingStorage('local:broken', dir('local:broken'), 1024 * 1024), local('local:ok')]);
    assert.ok(!(result instanceof Error), String(result));
    assert.deepEqual(await readFile(join(dir('local'), NAME)), data);
    assert.deepEqual(await readFile(join(dir('local:ok'), NAME)), data);
    assert.deepEqual(await files('local:broken'), [], 'no final and no temporary file');
    const broken = writer.outcomes().find((o) => o.target === 'local:broken')!;
    assert.equal(broken.state, 'failed');
    assert.match(broken.error!, /ENOSPC/);
    assert.deepEqual(failures, ['local:broken']);
  });

  it('fails when the primary fails, and keeps no copy anywhere', async () => {
    const { writer, result } = await run([new BreakingStorage('local', dir('local'), 512 * 1024), local('local:replica')]);
    assert.ok(result instanceof Error);
    assert.match(result.message, /ENOSPC/);
    assert.deepEqual(await files('local'), []);
    assert.deepEqual(await files('local:replica'), []);
    assert.deepEqual(
      writer.outcomes().map((o) => [o.target, o.state]),
      [
        ['local', 'failed'],
        ['local:replica', 'aborted'],
      ],
    );
  });

  it('with requireAll, a replica failing half-way fails the write and nothing is kept', async () => {
    const { result } = await run([local('local'), new BreakingStorage('local:broken', dir('local:broken'), 1024 * 1024)], true);
    assert.ok(result instanceof Error);
    assert.match(result.message, /The copy to local:broken failed and BACKUP_REQUIRE_ALL_COPIES is on: ENOSPC/);
    assert.deepEqual(await files('local'), []);
    assert.deepEqual(await files('local:broken'), []);
  });

  it('a replica that fails at commit is reported; with requireAll the complete primary is removed again', async () => {
    await rm(dir('local:taken'), { recursive: true, force: true });
    await new LocalStorage('x', dir('local:taken')).check();
    await writeFile(join(dir('local:taken'), NAME), 'another backup with this name');

    const lenient = await run([local('local'), local('local:taken')]);
    assert.ok(!(lenient.result instanceof Error));
    assert.deepEqual(await readFile(join(dir('local'), NAME)), data);
    assert.match(lenient.writer.outcomes()[1].error!, /EEXIST/);

    await rm(dir('local'), { recursive: true, force: true });
    const strict = await run([local('local'), local('local:taken')], true);
    assert.ok(strict.result instanceof Error);
    assert.match(strict.result.message, /local:taken failed and BACKUP_REQUIRE_ALL_COPIES is on: EEXIST/);
    assert.deepEqual(await files('local'), [], 'the primary was complete, then removed because the backup failed');
    assert.deepEqual(
      strict.writer.outcomes().map((o) => [o.target, o.state]),
      [
        ['local', 'rolled_back'],
        ['local:taken', 'failed'],
      ],
    );
    assert.equal(await readFile(join(dir('local:taken'), NAME), 'utf8'), 'another backup with this name', 'never overwritten');
  });

  it('a complete copy that cannot be removed when the backup fails is reported as stranded (it still holds the data)', async () => {
    await rm(dir('local:taken'), { recursive: true, force: true });
    await new LocalStorage('x', dir('local:taken')).check();
    await writeFile(join(dir('local:taken'), NAME), 'another backup with this name');
    await rm(dir('local'), { recursive: true, force: true });
    class UndeletableStorage extends LocalStorage {
      override async delete(): Promise<void> {
        throw new Error('EACCES: permission denied');
      }
    }
    const strict = await run([new UndeletableStorage('local', dir('local')), local('local:taken')], true);
    assert.ok(strict.result instanceof Error);
    const [primary] = strict.writer.outcomes();
    assert.equal(primary.state, 'stranded');
    assert.match(primary.error ?? '', /could not be removed: EACCES/);
    assert.deepEqual(await files('local'), [NAME], 'the copy is still there, and now known to be');
  });

  it('a replica that cannot be opened is a failed copy from the start, or stops everything with requireAll', async () => {
    const unmounted = () => new GDriveStorage('gdrive', dir('no-mount'), { requireMount: true });
    const lenient = await run([local('local'), unmounted()]);
    assert.ok(!(lenient.result instanceof Error));
    assert.deepEqual(lenient.writer.outcomes()[1], { target: 'gdrive', primary: false, state: 'failed', error: lenient.writer.outcomes()[1].error });
    assert.match(lenient.writer.outcomes()[1].error!, /Google Drive mount not available/);
    assert.deepEqual(lenient.failures, ['gdrive']);

    await assert.rejects(
      openReplicatedWriter([local('local:strict'), unmounted()], NAME, { requireAll: true }),
      /The copy to gdrive failed and BACKUP_REQUIRE_ALL_COPIES is on: Google Drive mount not available/,
    );
    assert.deepEqual(await files('local:strict'), [], "the primary's temporary file is gone too");
  });
});
