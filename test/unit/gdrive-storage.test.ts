import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { text } from 'node:stream/consumers';
import { GDriveStorage } from '../../shared/engine/storage/gdrive.storage';
import { AppError, ErrorCode } from '../../shared/errors';
import { uniqueName } from '../../scripts/lib/services';

/** /dev/shm is a tmpfs mount point on every Linux, so it stands in for an rclone mount. */
const REAL_MOUNT = '/dev/shm';

async function write(storage: GDriveStorage, name: string, content: string) {
  const writer = await storage.createWriter(name);
  await pipeline(Readable.from([Buffer.from(content)]), writer.stream);
  return writer.commit({ sha256: 'x' });
}

const unavailable = (path: string, reason: RegExp) => (err: AppError) =>
  err.code === ErrorCode.StorageUnavailable &&
  err.retryable &&
  err.message.startsWith(`Google Drive mount not available at ${path}: `) &&
  reason.test(err.message);

describe('Google Drive storage (mounted directory)', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kbt-gdrive-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('refuses a missing path clearly, for writes and reads, and never creates it', async () => {
    const path = join(root, 'mnt', 'gdrive');
    const storage = new GDriveStorage('gdrive', path, { requireMount: true });
    await assert.rejects(storage.createWriter('a.sql.gz'), unavailable(path, /the directory does not exist/));
    await assert.rejects(storage.list(), unavailable(path, /does not exist/));
    await assert.rejects(storage.stat('a.sql.gz'), unavailable(path, /does not exist/));
    await assert.rejects(storage.check(), unavailable(path, /does not exist/));
    await assert.rejects(storage.usage(), unavailable(path, /does not exist/));
    await assert.rejects(storage.removeStaleWrites(new Date()), unavailable(path, /does not exist/));
    assert.deepEqual(await readdir(root), [], 'nothing was created on the local disk');
  });

  it('refuses an existing directory that is not a mount point (the rclone mount is not there) and writes nothing into it', async () => {
    const path = join(root, 'gdrive');
    await mkdir(path);
    const storage = new GDriveStorage('gdrive', path, { requireMount: true });
    await assert.rejects(storage.createWriter('a.sql.gz'), unavailable(path, /it is not a mount point/));
    await assert.rejects(storage.openRead('a.sql.gz'), unavailable(path, /not a mount point/));
    await assert.rejects(storage.delete('a.sql.gz'), unavailable(path, /not a mount point/));
    assert.deepEqual(await readdir(path), []);
  });

  it('refuses a path that is a file', async () => {
    const storage = new GDriveStorage('gdrive', '/etc/hostname', { requireMount: false });
    await assert.rejects(storage.check(), unavailable('/etc/hostname', /not a directory/));
  });

  it('writes, lists, reads and deletes on a real mount point', async () => {
    const storage = new GDriveStorage('gdrive', REAL_MOUNT, { requireMount: true });
    const name = `${uniqueName('kbt_gdrive')}.sql.gz`;
    try {
      await storage.check();
      assert.deepEqual(await write(storage, name, 'drive backup'), { sizeBytes: 12 });
      assert.equal(await readFile(join(REAL_MOUNT, name), 'utf8'), 'drive backup');
      assert.ok((await storage.list()).some((o) => o.name === name && o.sizeBytes === 12));
      assert.equal(await text(await storage.openRead(name, { start: 6 })), 'backup');
      const usage = await storage.usage();
      assert.ok(usage.freeBytes! > 0 && usage.totalBytes! > 0);
      await storage.delete(name);
      assert.equal(await storage.stat(name), null);
    } finally {
      await rm(join(REAL_MOUNT, name), { force: true });
    }
  });

  it('duplicates and replaces on a real mount point, and refuses both when the mount is missing', async () => {
    const storage = new GDriveStorage('gdrive', REAL_MOUNT, { requireMount: true });
    const name = `${uniqueName('kbt_gdrive')}.sql.gz`;
    const [staged, kept] = [`${name}.rotate-0123456789ab`, `${name}.rotate-keep-0123456789ab`];
    try {
      await write(storage, name, 'old');
      await write(storage, staged, 'new');
      await storage.duplicate(name, kept);
      await storage.replace(staged, name);
      assert.equal(await readFile(join(REAL_MOUNT, name), 'utf8'), 'new');
      assert.equal(await readFile(join(REAL_MOUNT, kept), 'utf8'), 'old');
      assert.equal(await storage.stat(staged), null);
    } finally {
      await Promise.all([name, staged, kept].map((n) => rm(join(REAL_MOUNT, n), { force: true })));
    }
    const path = join(root, 'gdrive');
    await mkdir(path);
    const unmounted = new GDriveStorage('gdrive', path, { requireMount: true });
    await assert.rejects(unmounted.replace('a.sql.gz.rotate-0123456789ab', 'a.sql.gz'), unavailable(path, /not a mount point/));
    await assert.rejects(unmounted.duplicate('a.sql.gz', 'a.sql.gz.rotate-keep-0123456789ab'), unavailable(path, /not a mount point/));
  });

  it('works on a plain directory when the mount-point check is switched off', async () => {
    const storage = new GDriveStorage('gdrive', root, { requireMount: false });
    await write(storage, 'b.sql.gz', 'synced folder');
    assert.deepEqual(await readdir(root), ['b.sql.gz']);
    assert.equal((await stat(join(root, 'b.sql.gz'))).size, 13);
  });

  const hostile = ['../escape.sql.gz', '/etc/passwd', 'a/b.sql.gz', 'x\0y', '.hidden', '..'];
  for (const name of hostile) {
    it(`refuses the name ${JSON.stringify(name)} before looking at the mount`, async () => {
      const storage = new GDriveStorage('gdrive', join(root, 'missing'), { requireMount: true });
      const invalid = (err: AppError) => err.code === ErrorCode.InvalidStorageName;
      await assert.rejects(storage.createWriter(name), invalid);
      await assert.rejects(storage.openRead(name), invalid);
      await assert.rejects(storage.stat(name), invalid);
      await assert.rejects(storage.delete(name), invalid);
      await assert.rejects(storage.replace('ok.sql.gz', name), invalid);
      await assert.rejects(storage.duplicate(name, 'ok.sql.gz'), invalid);
    });
  }
});
