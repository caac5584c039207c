import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage } from '../../shared/engine/storage/local.storage';
import type { CopyRef } from '../../shared/jobs/backup-copies';
import { planCopyRotation } from '../../shared/jobs/rotation/copy-plan';
import type { StagedCopy } from '../../shared/jobs/rotation/reencrypt-copy';
import { replaceAllCopies } from '../../shared/jobs/rotation/replace-copies';

const NAME = 'kanbu_backup_2026-01-01T00-00-00.sql.gz.enc';

/** A local directory whose replace or duplicate refuses from the `failAt`-th call on, like a target that goes away mid-rotation. */
class FailingStorage extends LocalStorage {
  calls = { replace: 0, duplicate: 0 };
  constructor(
    name: string,
    root: string,
    private readonly failAt: { replace?: number; duplicate?: number },
  ) {
    super(name, root);
  }
  override async replace(from: string, to: string): Promise<void> {
    if (++this.calls.replace >= (this.failAt.replace ?? Infinity)) throw new Error(`${this.name} refused the replace`);
    return super.replace(from, to);
  }
  override async duplicate(from: string, to: string): Promise<void> {
    if (++this.calls.duplicate >= (this.failAt.duplicate ?? Infinity)) throw new Error(`${this.name} refused the duplicate`);
    return super.duplicate(from, to);
  }
}

const copy = (target: string, status: CopyRef['status'], isPrimary = false): CopyRef => ({
  id: target,
  target,
  location: NAME,
  isPrimary,
  status,
  sizeBytes: 10,
});

describe('key rotation of every copy', () => {
  describe('which copies are re-encrypted', () => {
    const local = new LocalStorage('local', '/nowhere/local');
    const s3 = new LocalStorage('s3', '/nowhere/s3');
    const targets = (name: string) => [local, s3].find((t) => t.name === name);

    it('every copy whose object is there, in catalog order; gone or corrupt ones are skipped; never-written ones do not count', () => {
      const plan = planCopyRotation(
        [
          copy('local', 'completed', true),
          copy('s3', 'delete_failed'),
          copy('gdrive', 'missing'),
          copy('s3:eu', 'corrupt'),
          copy('s3:us', 'failed'),
          copy('b2', 'deleted'),
        ],
        targets,
      );
      assert.deepEqual(
        plan.rotate.map((c) => [c.copy.target, c.storage]),
        [
          ['local', local],
          ['s3', s3],
        ],
      );
      assert.deepEqual(plan.others, [
        { target: 'gdrive', status: 'skipped', detail: 'recorded as missing' },
        { target: 's3:eu', status: 'skipped', detail: 'recorded as corrupt' },
      ]);
    });

    it('a copy on a target that is no longer configured cannot be rotated, and says so', () => {
      const plan = planCopyRotation([copy('local', 'completed', true), copy('s3:old', 'completed')], targets);
      assert.deepEqual(plan.others, [
        { target: 's3:old', status: 'failed', detail: 'storage target s3:old is not configured (BACKUP_STORAGE / BACKUP_REPLICAS)' },
      ]);
    });
  });

  describe('replacing the originals (two real directories)', () => {
    let root: string;
    beforeEach(async () => {
      root = await mkdtemp(join(tmpdir(), 'kbt-rotate-'));
    });
    afterEach(() => rm(root, { recursive: true, force: true }));

    /** A target holding the original and a staged re-encryption of it. */
    async function stagedOn(storage: LocalStorage): Promise<StagedCopy> {
      const staged = `${NAME}.rotate-0123456789ab`;
      await writeFile(join(storage.root, NAME), `old on ${storage.name}`);
      await writeFile(join(storage.root, staged), `new on ${storage.name}`);
      return { copy: copy(storage.name, 'completed'), storage, staged, sizeBytes: 10 };
    }

    async function targets(failAt: { replace?: number; duplicate?: number }[]) {
      const storages = failAt.map((f, i) => new FailingStorage(['local', 's3'][i], join(root, String(i)), f));
      for (const s of storages) await s.check();
      return { storages, staged: await Promise.all(storages.map(stagedOn)) };
    }

    const contents = async (s: LocalStorage) =>
      Object.fromEntries(await Promise.all((await readdir(s.root)).map(async (f) => [f, await readFile(join(s.root, f), 'utf8')])));

    it('puts every staged copy in place and leaves nothing beside them', async () => {
      const { storages, staged } = await targets([{}, {}]);
      assert.deepEqual(await replaceAllCopies(staged), [
        { target: 'local', status: 'rotated' },
        { target: 's3', status: 'rotated' },
      ]);
      assert.deepEqual(await contents(storages[0]), { [NAME]: 'new on local' });
      assert.deepEqual(await contents(storages[1]), { [NAME]: 'new on s3' });
      assert.deepEqual(
        storages.map((s) => s.calls.duplicate),
        [1, 0],
        'the last original needs no keeping',
      );
    });

    it('when the second replace fails, the first copy is put back: both originals as they were, nothing left beside them', async () => {
      const { storages, staged } = await targets([{}, { replace: 1 }]);
      assert.deepEqual(await replaceAllCopies(staged), [
        { target: 'local', status: 'unchanged', detail: 'put back' },
        { target: 's3', status: 'failed', detail: 's3 refused the replace' },
      ]);
      assert.deepEqual(await contents(storages[0]), { [NAME]: 'old on local' });
      assert.deepEqual(await contents(storages[1]), { [NAME]: 'old on s3' });
    });

    it('a copy that cannot be put back is reported under the new key, its original kept beside it', async () => {
      const { storages, staged } = await targets([{ replace: 2 }, { replace: 1 }]);
      const [first, second] = await replaceAllCopies(staged);
      assert.equal(first.status, 'new_key');
      assert.match(
        first.detail!,
        /local refused the replace.*the original is kept as kanbu_backup_2026-01-01T00-00-00\.sql\.gz\.enc\.rotate-keep-[0-9a-f]{12}; run rotate-keys again/,
      );
      assert.equal(second.status, 'failed');
      const left = await contents(storages[0]);
      assert.equal(left[NAME], 'new on local');
      assert.deepEqual(
        Object.entries(left)
          .filter(([f]) => f.includes('.rotate-keep-'))
          .map(([, c]) => c),
        ['old on local'],
      );
      assert.deepEqual(await contents(storages[1]), { [NAME]: 'old on s3' });
    });

    it('when an original cannot be kept, nothing is replaced anywhere', async () => {
      const { storages, staged } = await targets([{ duplicate: 1 }, {}]);
      assert.deepEqual(await replaceAllCopies(staged), [
        { target: 'local', status: 'failed', detail: 'local refused the duplicate' },
        { target: 's3', status: 'unchanged' },
      ]);
      assert.deepEqual(await contents(storages[0]), { [NAME]: 'old on local' });
      assert.deepEqual(await contents(storages[1]), { [NAME]: 'old on s3' });
      assert.deepEqual(
        storages.map((s) => s.calls.replace),
        [0, 0],
      );
    });
  });
});
