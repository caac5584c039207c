import assert from 'node:assert/strict';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { takeBackup, requestRestore, waitForExecution } from '../helpers/flows';
import { http } from '../helpers/http';
import { createKanbuDatabase, tableChecksum } from '../helpers/kanbu-fixture';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';

describe("restore errors use the user guide's words", function () {
  this.timeout(120_000);
  let stack: TestStack;
  let source: { name: string; url: string };

  before(async () => {
    source = await createKanbuDatabase(300);
    stack = await startStack({ env: { DATABASE_URL: source.url }, workerQueues: ['backup', 'restore'] });
  });
  after(() => stack?.close());

  it('"Checksum mismatch" for a modified unencrypted backup, before the database is touched', async () => {
    const backup = await takeBackup(stack);
    const before = await tableChecksum(source.url, 'tasks');
    const handle = await open(join(stack.backupDir, backup.filename), 'r+');
    // Past the 10-byte gzip header: change one byte of the compressed data.
    await handle.write(Buffer.from([0x00, 0x01, 0x02]), 0, 3, 40);
    await handle.close();
    const execution = await waitForExecution(stack, await requestRestore(stack, backup.id));
    assert.equal(execution.status, 'failed');
    assert.match(execution.error ?? '', /Checksum mismatch/);
    assert.equal(await tableChecksum(source.url, 'tasks'), before);
  });

  it('"Backup file not found" when the stored file is gone', async () => {
    const backup = await takeBackup(stack);
    await unlink(join(stack.backupDir, backup.filename));
    const execution = await waitForExecution(stack, await requestRestore(stack, backup.id));
    assert.equal(execution.status, 'failed');
    assert.match(execution.error ?? '', /Backup file not found/);
  });

  it('"Encryption key not set" when the backup is encrypted and no key is configured', async () => {
    const seeded = await stack.runtime.backups.createRunning({
      type: 'database',
      filename: 'kanbu_backup_2026-01-01T00-00-00.sql.gz.enc',
      compression: 'gzip',
      encrypted: true,
      storage: 'local',
      trigger: 'api',
    });
    await stack.runtime.backups.markCompleted(seeded.id, { status: 'completed', sizeBytes: 1, sourceBytes: 1, checksum: 'a'.repeat(64), durationMs: 1 });
    const res = await http('POST', `${stack.baseUrl}/api/backups/${seeded.id}/restore`, { token: ADMIN_KEY, body: {} });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'ENCRYPTION_KEY_MISSING');
    assert.match(res.body.error.message, /^Encryption key not set/);
  });

  it('refuses to restore into an existing database', async () => {
    const backup = await takeBackup(stack);
    const execution = await waitForExecution(stack, await requestRestore(stack, backup.id, { targetDatabase: source.name }));
    assert.equal(execution.status, 'failed');
    assert.match(execution.error ?? '', /already exists/);
  });
});
