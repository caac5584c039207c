import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli';
import { http } from '../helpers/http';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { drainNotifyQueue } from '../helpers/notify';
import { databaseUrl } from '../../scripts/lib/services';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { Receiver, startReceiver } from '../helpers/webhook-receiver';

const SECRET = 'cli notification webhook secret 0123';

describe('in-process CLI runs raise the same notifications as worker jobs (real CLI process, notify worker, HTTP receiver)', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let receiver: Receiver;

  before(async () => {
    let source: { url: string };
    [receiver, source] = await Promise.all([startReceiver(SECRET), createKanbuDatabase(100)]);
    stack = await startStack({ workerQueues: ['notify'], env: { DATABASE_URL: source.url, BACKUP_HEARTBEAT_URL: receiver.url('/heartbeat') } });
    const res = await http('PUT', `${stack.baseUrl}/api/notifications`, {
      token: ADMIN_KEY,
      body: { webhookUrl: receiver.url('/webhook'), webhookSecret: SECRET, notifyOnSuccess: true, notifyOnFailure: true },
    });
    assert.equal(res.status, 200, res.text);
  });
  after(async () => {
    await stack?.close();
    await receiver?.close();
  });

  it('a CLI backup sends backup.completed and the heartbeat', async () => {
    const run = await runCli(['backup', 'database'], stack.env);
    assert.equal(run.code, 0, run.stderr);
    await drainNotifyQueue(stack.runtime);
    const backup = (await stack.runtime.backups.list({ page: 1, pageSize: 1, sort: 'createdAt', order: 'DESC' })).items[0];
    const hooks = receiver.on('/webhook');
    assert.equal(hooks.length, 1);
    assert.equal(hooks[0].status, 200, 'the signature was accepted');
    assert.equal(hooks[0].body.event, 'backup.completed');
    assert.equal(hooks[0].body.backup.filename, backup.filename);
    assert.equal(hooks[0].body.backup.checksum, backup.checksum);
    assert.equal(receiver.on('/heartbeat').length, 1);
  });

  it('a CLI backup that fails sends backup.failed with the reason', async () => {
    const run = await runCli(['backup', 'database'], { ...stack.env, DATABASE_URL: databaseUrl('kbt_cli_notify_missing_db') });
    assert.equal(run.code, 1);
    await drainNotifyQueue(stack.runtime);
    const failed = receiver.on('/webhook').filter((h) => h.body.event === 'backup.failed');
    assert.equal(failed.length, 1);
    assert.match(failed[0].body.error, /kbt_cli_notify_missing_db" does not exist/);
    assert.equal(receiver.on('/heartbeat').length, 1, 'no heartbeat for a failed backup');
  });
});
