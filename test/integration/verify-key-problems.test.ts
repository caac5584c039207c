import assert from 'node:assert/strict';
import { takeBackup, waitForExecution } from '../helpers/flows';
import { http } from '../helpers/http';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { ServiceProcess, startProcess } from '../helpers/processes';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';

describe('verification with a wrong or missing key', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let worker: ServiceProcess | undefined;

  before(async () => {
    const source = await createKanbuDatabase(200);
    stack = await startStack({ env: { DATABASE_URL: source.url, BACKUP_ENCRYPTION_KEY: 'the right passphrase' }, workerQueues: ['backup'] });
  });
  after(async () => {
    await worker?.stop();
    await stack?.close();
  });

  /** Verifies on a worker process configured with `env`; returns the finished execution. */
  async function verifyWith(backupId: string, env: Record<string, string>) {
    worker = startProcess('services/worker/main.js', { ...stack.env, WORKER_QUEUES: 'verify', ...env });
    try {
      const res = await http('POST', `${stack.baseUrl}/api/backups/${backupId}/verify`, { token: ADMIN_KEY, body: {} });
      assert.equal(res.status, 202, res.text);
      return await waitForExecution(stack, res.body.executionId, 90_000);
    } finally {
      await worker.stop();
      worker = undefined;
    }
  }

  it('"could not verify": the job fails, but the backup keeps its verification state', async () => {
    const backup = await takeBackup(stack);
    const good = await verifyWith(backup.id, {});
    assert.equal(good.status, 'completed', good.error ?? '');
    const verified = await stack.runtime.backups.findById(backup.id);
    assert.equal(verified?.verificationStatus, 'verified');

    const wrong = await verifyWith(backup.id, { BACKUP_ENCRYPTION_KEY: 'a different passphrase' });
    assert.equal(wrong.status, 'failed');
    assert.equal(wrong.attempts, 1, 'a configuration problem is not retried');
    assert.match(wrong.error ?? '', /^Could not verify .*: .*Its verification state is unchanged/);
    const missing = await verifyWith(backup.id, { BACKUP_ENCRYPTION_KEY: '' });
    assert.equal(missing.status, 'failed');
    assert.match(missing.error ?? '', /Encryption key not set/);

    const after = await stack.runtime.backups.findById(backup.id);
    assert.equal(after?.verificationStatus, 'verified', 'still verified: the key, not the backup, was the problem');
    assert.equal(after?.verificationError, null);
    assert.equal(after?.verifiedAt?.getTime(), verified?.verifiedAt?.getTime());
    assert.deepEqual(
      (await stack.runtime.copies.forBackup(backup.id)).map((c) => c.status),
      ['completed'],
      'the copy is not marked corrupt either',
    );
  });
});
