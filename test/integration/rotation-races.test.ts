import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import type { Backup } from '../../shared/catalog/entities';
import { parseEncryptionKey } from '../../shared/engine/crypto/encryption-key';
import { KeyRing } from '../../shared/engine/crypto/key-ring';
import { createLogger } from '../../shared/logging';
import { deleteBackupEverywhere } from '../../shared/jobs/delete-backup';
import { rotateKeys, RotateKeysDeps } from '../../shared/jobs/rotate-keys';
import { takeBackup } from '../helpers/flows';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { waitFor } from '../helpers/wait';
import { startStack, TestStack } from '../../scripts/lib/stack';

const OLD_KEY = 'races test passphrase (the old one)';
const NEW_KEY = 'd4'.repeat(32);

describe('key rotation and deletion of the same backup (real catalog row locks, local storage)', function () {
  this.timeout(120_000);
  let stack: TestStack;

  before(async () => {
    const kanbu = await createKanbuDatabase(200);
    stack = await startStack({ env: { DATABASE_URL: kanbu.url, BACKUP_ENCRYPTION_KEY: OLD_KEY }, workerQueues: ['backup'] });
  });
  after(() => stack?.close());

  /** Rotation deps whose last, locked step first runs `beforeReplace` (standing for whatever else happens at that moment). */
  function depsWith(beforeReplace: (backupId: string) => Promise<void>): RotateKeysDeps {
    const backups = Object.create(stack.runtime.backups) as typeof stack.runtime.backups;
    backups.replaceCopiesLocked = async (id, replace) => {
      await beforeReplace(id);
      return stack.runtime.backups.replaceCopiesLocked(id, replace);
    };
    return { backups, copies: stack.runtime.copies, targets: stack.runtime.targets, keys: KeyRing.fromConfig(NEW_KEY, OLD_KEY), logger: createLogger('CLI') };
  }

  /** Catalog connections blocked on a lock held by another transaction. */
  const backendsWaitingForALock = async (): Promise<number> =>
    (await stack.runtime.dataSource.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))[0]
      .n;

  const deleteDeps = () => ({ backups: stack.runtime.backups, copies: stack.runtime.copies, targets: stack.runtime.targets, logger: createLogger('CLI') });

  it('a backup deleted while it is being re-encrypted stays deleted: nothing is brought back, nothing is left', async () => {
    const backup = await takeBackup(stack);
    const outcomes = await rotateKeys(
      depsWith(async (id) => {
        const row = (await stack.runtime.backups.findById(id)) as Backup;
        assert.equal((await deleteBackupEverywhere(deleteDeps(), row)).deleted, true);
      }),
    );
    const mine = outcomes.find((o) => o.backupId === backup.id);
    assert.equal(mine?.status, 'deleted');
    assert.equal(await stack.runtime.backups.findById(backup.id), null);
    assert.deepEqual(
      (await readdir(stack.backupDir)).filter((f) => f.startsWith(backup.filename)),
      [],
      'neither the original nor the staged copy',
    );
  });

  it('a delete that starts while a replace runs waits for it, then deletes the re-encrypted copies', async () => {
    const backup = await takeBackup(stack);
    let deletion: Promise<unknown> | undefined;
    let deletedEarly = false;
    const deps = depsWith(async () => undefined);
    const realReplace = deps.backups.replaceCopiesLocked;
    deps.backups.replaceCopiesLocked = (id, replace) =>
      realReplace(id, async () => {
        // The rotation holds the row lock now: a delete must wait for it to commit.
        const row = (await stack.runtime.backups.findById(id)) as Backup;
        deletion = deleteBackupEverywhere(deleteDeps(), row).then((r) => ((deletedEarly = true), r));
        await waitFor(async () => ((await backendsWaitingForALock()) > 0 ? true : undefined), 'the delete to wait for the row lock');
        assert.equal(deletedEarly, false, 'the delete waited for the row lock');
        return replace();
      });
    const outcomes = await rotateKeys(deps);
    assert.equal(outcomes.find((o) => o.backupId === backup.id)?.status, 'rotated');
    assert.ok(deletion);
    await deletion;
    assert.equal(await stack.runtime.backups.findById(backup.id), null);
    assert.deepEqual(
      (await readdir(stack.backupDir)).filter((f) => f.startsWith(backup.filename)),
      [],
    );
  });

  it('rotates normally when nothing interferes (the new key id is recorded)', async () => {
    const backup = await takeBackup(stack);
    const outcomes = await rotateKeys(depsWith(async () => undefined));
    assert.equal(outcomes.find((o) => o.backupId === backup.id)?.status, 'rotated');
    assert.equal((await stack.runtime.backups.findById(backup.id))?.encryptionKeyId, parseEncryptionKey(NEW_KEY).id);
  });
});
