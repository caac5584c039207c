import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { flipByte } from '../helpers/corrupt';
import { takeBackup, waitForExecution } from '../helpers/flows';
import { http } from '../helpers/http';
import { createKanbuDatabase, rowCounts } from '../helpers/kanbu-fixture';
import { databaseUrl, trackDatabase, uniqueName } from '../../scripts/lib/services';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';

describe('restoring a backup whose last verification failed', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let source: { url: string };

  before(async () => {
    source = await createKanbuDatabase(300);
    stack = await startStack({
      env: { DATABASE_URL: source.url, BACKUP_ENCRYPTION_KEY: 'force test passphrase', BACKUP_JOB_ATTEMPTS: '1' },
      workerQueues: ['backup', 'verify', 'restore'],
    });
  });
  after(() => stack?.close());

  async function ask(backupId: string, body: Record<string, unknown>) {
    const res = await http('POST', `${stack.baseUrl}/api/backups/${backupId}/restore`, { token: ADMIN_KEY, body });
    assert.equal(res.status, 200, res.text);
    return res.body as { warnings: string[]; confirmation: { token: string } };
  }

  async function confirm(backupId: string, token: string) {
    return http('POST', `${stack.baseUrl}/api/backups/${backupId}/restore/confirm`, { token: ADMIN_KEY, body: { token } });
  }

  it('warns, refuses to confirm with 409 BACKUP_VERIFICATION_FAILED, and restores only when asked with "force": true', async () => {
    const backup = await takeBackup(stack);
    // The copy was bad when it was verified (say, a flaky mount), and is good again now.
    const path = join(stack.backupDir, backup.filename);
    await copyFile(path, `${path}.good`);
    await flipByte(path, 100);
    const verify = await http('POST', `${stack.baseUrl}/api/backups/${backup.id}/verify`, { token: ADMIN_KEY, body: {} });
    assert.equal((await waitForExecution(stack, verify.body.executionId)).status, 'failed');
    await copyFile(`${path}.good`, path);

    const target = uniqueName('kbt_forced').toLowerCase();
    trackDatabase(target);
    const plain = await ask(backup.id, { targetDatabase: target });
    assert.match(plain.warnings[0], /^The last verification of this backup FAILED \(local: .*\); the restore would most likely be refused\. .*"force": true/);
    const refused = await confirm(backup.id, plain.confirmation.token);
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.error.code, 'BACKUP_VERIFICATION_FAILED');
    assert.match(refused.body.error.details.verificationError, /failed authentication/);
    const restores = await http('GET', `${stack.baseUrl}/api/executions?kind=restore`, { token: ADMIN_KEY });
    assert.equal(restores.body.total, 0, 'nothing was queued');

    const forced = await ask(backup.id, { targetDatabase: target, force: true });
    assert.match(forced.warnings[0], /you asked to restore it anyway \("force": true\)/);
    const accepted = await confirm(backup.id, forced.confirmation.token);
    assert.equal(accepted.status, 202, accepted.text);
    const done = await waitForExecution(stack, accepted.body.executionId, 120_000);
    assert.equal(done.status, 'completed', done.error ?? '');
    assert.deepEqual(await rowCounts(databaseUrl(target)), await rowCounts(source.url));
  });

  it('asks about a backup that verified well without that warning, and "force" must be a boolean', async () => {
    const backup = await takeBackup(stack);
    const plain = await ask(backup.id, {});
    assert.ok(!plain.warnings.some((w) => /verification/.test(w)));
    const bad = await http('POST', `${stack.baseUrl}/api/backups/${backup.id}/restore`, { token: ADMIN_KEY, body: { force: 'yes' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
  });
});
