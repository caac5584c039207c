import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { text } from 'node:stream/consumers';
import { LocalStorage } from '../../shared/engine/storage/local.storage';
import { assertSafeName } from '../../shared/engine/storage/safe-name';
import { AppError, ErrorCode } from '../../shared/errors';

describe('local storage', () => {
  let root: string;
  let storage: LocalStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kbt-local-'));
    storage = new LocalStorage('local', join(root, 'backups'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function write(name: string, content: string) {
    const writer = await storage.createWriter(name);
    await pipeline(Readable.from([Buffer.from(content)]), writer.stream);
    return writer;
  }

  it('shows nothing under the final name until commit, then exactly the bytes written', async () => {
    const writer = await write('a.sql.gz', 'hello backup');
    assert.equal(await storage.stat('a.sql.gz'), null);
    assert.deepEqual(await storage.list(), []);
    const { sizeBytes } = await writer.commit({ sha256: 'x' });
    assert.equal(sizeBytes, 12);
    assert.equal(await readFile(join(root, 'backups', 'a.sql.gz'), 'utf8'), 'hello backup');
    assert.deepEqual(
      (await storage.list()).map((o) => [o.name, o.sizeBytes]),
      [['a.sql.gz', 12]],
    );
  });

  it('abort leaves no file at all, not even the temporary one', async () => {
    const writer = await write('b.sql.gz', 'partial');
    await writer.abort();
    assert.deepEqual(await readdir(join(root, 'backups')), []);
  });

  it('never overwrites an existing backup on commit', async () => {
    await (await write('c.sql.gz', 'first')).commit({ sha256: 'x' });
    const second = await write('c.sql.gz', 'second');
    await assert.rejects(second.commit({ sha256: 'x' }), /EEXIST/);
    assert.equal(await readFile(join(root, 'backups', 'c.sql.gz'), 'utf8'), 'first');
    assert.deepEqual(await readdir(join(root, 'backups')), ['c.sql.gz']);
  });

  describe('on a filesystem without hard links (an rclone mount: link fails with ENOSYS)', () => {
    // The module object itself (an ES import would be a frozen copy), so replacing `link` reaches LocalStorage.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fsp = require('node:fs/promises') as typeof import('node:fs/promises');
    const realLink = fsp.link;
    beforeEach(() => {
      fsp.link = async () => {
        throw Object.assign(new Error('ENOSYS: function not implemented, link'), { code: 'ENOSYS' });
      };
    });
    afterEach(() => {
      fsp.link = realLink;
    });

    it('commits by renaming, still never over an existing backup', async () => {
      await (await write('e.sql.gz', 'first')).commit({ sha256: 'x' });
      assert.equal(await readFile(join(root, 'backups', 'e.sql.gz'), 'utf8'), 'first');
      const second = await write('e.sql.gz', 'second');
      await assert.rejects(second.commit({ sha256: 'x' }), /EEXIST/);
      assert.equal(await readFile(join(root, 'backups', 'e.sql.gz'), 'utf8'), 'first');
      assert.deepEqual(await readdir(join(root, 'backups')), ['e.sql.gz'], 'no temporary file left');
    });
  });

  it('reads whole objects and byte ranges', async () => {
    await (await write('d.sql.gz', '0123456789')).commit({ sha256: 'x' });
    assert.equal(await text(await storage.openRead('d.sql.gz')), '0123456789');
    assert.equal(await text(await storage.openRead('d.sql.gz', { start: 2, end: 5 })), '2345');
  });

  it('reports a missing file as "Backup file not found"', async () => {
    await assert.rejects(
      storage.openRead('nope.sql.gz'),
      (err: AppError) => err.code === ErrorCode.BackupFileNotFound && /Backup file not found/.test(err.message),
    );
  });

  it('deletes, and deleting twice is not an error', async () => {
    await (await write('e.sql.gz', 'x')).commit({ sha256: 'x' });
    await storage.delete('e.sql.gz');
    await storage.delete('e.sql.gz');
    assert.equal(await storage.stat('e.sql.gz'), null);
  });

  it('reports usage with free space', async () => {
    await (await write('f.sql.gz', 'abc')).commit({ sha256: 'x' });
    const usage = await storage.usage();
    assert.equal(usage.usedBytes, 3);
    assert.equal(usage.objectCount, 1);
    assert.ok((usage.freeBytes ?? 0) > 0);
  });

  it('removes only temporary files of writes that stopped before the given time', async () => {
    assert.equal(await storage.removeStaleWrites(new Date()), 0, 'no directory yet: nothing to remove');
    await (await write('g.sql.gz', 'kept')).commit({ sha256: 'x' });
    const live = await write('h.sql.gz', 'in progress');
    const dir = join(root, 'backups');
    await writeFile(join(dir, '.partial-dead01-i.sql.gz'), 'abandoned');
    const longAgo = new Date(Date.now() - 7 * 3600_000);
    await utimes(join(dir, '.partial-dead01-i.sql.gz'), longAgo, longAgo);
    await utimes(join(dir, 'g.sql.gz'), longAgo, longAgo);

    assert.equal(await storage.removeStaleWrites(new Date(Date.now() - 6 * 3600_000)), 1);
    const left = await readdir(dir);
    assert.ok(left.includes('g.sql.gz'), 'final backups are never touched, however old');
    assert.ok(!left.includes('.partial-dead01-i.sql.gz'));
    assert.equal(left.filter((e) => e.startsWith('.partial-')).length, 1, 'the write in progress stays');
    await live.commit({ sha256: 'x' });
    assert.equal(await readFile(join(dir, 'h.sql.gz'), 'utf8'), 'in progress');
  });

  it('removes temporary files of interrupted writes older than the cut-off, and nothing else', async () => {
    await (await write('g.sql.gz', 'kept')).commit({ sha256: 'x' });
    await write('h.sql.gz', 'interrupted');
    await write('i.sql.gz', 'in progress');
    const [stale] = (await readdir(join(root, 'backups'))).filter((e) => e.startsWith('.partial-') && e.endsWith('h.sql.gz'));
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(join(root, 'backups', stale), anHourAgo, anHourAgo);
    assert.equal(await storage.removeStaleWrites(new Date(Date.now() - 60_000)), 1);
    const left = (await readdir(join(root, 'backups'))).sort();
    assert.equal(left.length, 2);
    assert.equal(left[1], 'g.sql.gz');
    assert.match(left[0], /^\.partial-[0-9a-f]+-i\.sql\.gz$/);
    assert.equal(await new LocalStorage('local', join(root, 'never-created')).removeStaleWrites(new Date()), 0);
  });

  it("replace swaps a file in atomically; the original's duplicate keeps the old bytes, and puts them back", async () => {
    await (await write('k.sql.gz', 'original')).commit({ sha256: 'x' });
    await (await write('k.sql.gz.rotate-0123456789ab', 're-encrypted')).commit({ sha256: 'x' });
    await storage.duplicate('k.sql.gz', 'k.sql.gz.rotate-keep-0123456789ab');
    await storage.replace('k.sql.gz.rotate-0123456789ab', 'k.sql.gz');
    const dir = join(root, 'backups');
    assert.equal(await readFile(join(dir, 'k.sql.gz'), 'utf8'), 're-encrypted');
    assert.equal(await readFile(join(dir, 'k.sql.gz.rotate-keep-0123456789ab'), 'utf8'), 'original', 'a hard link to the old file, not to the name');
    await storage.replace('k.sql.gz.rotate-keep-0123456789ab', 'k.sql.gz');
    assert.deepEqual(await readdir(dir), ['k.sql.gz']);
    assert.equal(await readFile(join(dir, 'k.sql.gz'), 'utf8'), 'original');
  });

  it('duplicate never overwrites, and a missing source is "Backup file not found" for duplicate and replace', async () => {
    await (await write('l.sql.gz', 'one')).commit({ sha256: 'x' });
    await (await write('m.sql.gz', 'two')).commit({ sha256: 'x' });
    await assert.rejects(storage.duplicate('l.sql.gz', 'm.sql.gz'), /EEXIST/);
    assert.equal(await readFile(join(root, 'backups', 'm.sql.gz'), 'utf8'), 'two');
    const notFound = (err: AppError) => err.code === ErrorCode.BackupFileNotFound;
    await assert.rejects(storage.duplicate('nope.sql.gz', 'n.sql.gz'), notFound);
    await assert.rejects(storage.replace('nope.sql.gz', 'l.sql.gz'), notFound);
    assert.equal(await readFile(join(root, 'backups', 'l.sql.gz'), 'utf8'), 'one');
  });

  const hostile = ['../escape.sql.gz', '..', '.', '/etc/passwd', 'a/b.sql.gz', 'a\\b', 'x\0y', '', '.hidden', '.partial-abc-x', 'a..b', 'ok name'];
  for (const name of hostile) {
    it(`refuses the name ${JSON.stringify(name)} for every operation`, async () => {
      await writeFile(join(root, 'escape.sql.gz'), 'outside');
      assert.throws(
        () => assertSafeName(name),
        (err: AppError) => err.code === ErrorCode.InvalidStorageName,
      );
      await assert.rejects(storage.createWriter(name), (err: AppError) => err.code === ErrorCode.InvalidStorageName);
      await assert.rejects(storage.openRead(name), (err: AppError) => err.code === ErrorCode.InvalidStorageName);
      await assert.rejects(storage.delete(name), (err: AppError) => err.code === ErrorCode.InvalidStorageName);
      await assert.rejects(storage.stat(name), (err: AppError) => err.code === ErrorCode.InvalidStorageName);
      await assert.rejects(storage.replace('ok.sql.gz', name), (err: AppError) => err.code === ErrorCode.InvalidStorageName);
      await assert.rejects(storage.duplicate('ok.sql.gz', name), (err: AppError) => err.code === ErrorCode.InvalidStorageName);
      assert.equal(await readFile(join(root, 'escape.sql.gz'), 'utf8'), 'outside');
    });
  }
});
