import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { Execution } from '../../shared/catalog/entities';
import { testEvent } from '../../shared/domain/notification-events';
import { http } from '../helpers/http';
import { createKanbuDatabase } from '../helpers/kanbu-fixture';
import { drainNotifyQueue } from '../helpers/notify';
import { dropDatabase } from '../../scripts/lib/services';
import { SmtpSink, startSmtpServer } from '../helpers/smtp';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { waitFor } from '../helpers/wait';
import { ReceivedRequest, Receiver, startReceiver } from '../helpers/webhook-receiver';

const SECRET = 'the webhook secret from the user guide 0123';
const FROM = 'Kanbu Backup <backups@kanbu.test>';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('notifications for real backups (backup worker → listener → notify worker → receivers)', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let receiver: Receiver;
  let smtp: SmtpSink;
  let source: { name: string; url: string };
  let completed: ReceivedRequest;

  before(async () => {
    [receiver, smtp, source] = await Promise.all([startReceiver(SECRET), startSmtpServer(), createKanbuDatabase(200)]);
    stack = await startStack({
      workerQueues: ['backup', 'notify'],
      env: {
        DATABASE_URL: source.url,
        BACKUP_ENCRYPTION_KEY: 'notification e2e passphrase',
        SMTP_URL: smtp.url,
        SMTP_FROM: FROM,
        BACKUP_HEARTBEAT_URL: receiver.url('/heartbeat'),
        BACKUP_NOTIFY_TIMEOUT_SECONDS: '60',
      },
    });
    const res = await http('PUT', `${stack.baseUrl}/api/notifications`, {
      token: ADMIN_KEY,
      body: {
        webhookUrl: receiver.url('/webhook'),
        webhookSecret: SECRET,
        notifyOnSuccess: true,
        notifyOnFailure: true,
        emailRecipients: ['ops@kanbu.test', 'cto@kanbu.test'],
        slackWebhookUrl: receiver.url('/slack'),
        discordWebhookUrl: receiver.url('/discord'),
      },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.activeChannels, ['webhook', 'email', 'slack', 'discord']);
  });

  after(async () => {
    await stack?.close();
    await Promise.all([receiver?.close(), smtp?.close()]);
  });

  /**
   * Runs a backup and waits until BullMQ has settled its job: the execution row is final a moment
   * earlier, before the outcome listener has queued the notifications.
   */
  async function runBackup(): Promise<Execution> {
    const accepted = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
    assert.equal(accepted.status, 202, accepted.text);
    const queue = stack.runtime.queues.get('backup');
    await waitFor(
      async () => {
        const state = await (await queue.getJob(accepted.body.jobId))?.getState();
        return state === 'completed' || state === 'failed' ? state : undefined;
      },
      'the backup job to finish',
      60_000,
    );
    return (await stack.runtime.executions.findById(accepted.body.executionId))!;
  }

  it('backup.completed reaches a receiver written like the user guide, which accepts the signature', async () => {
    const execution = await runBackup();
    assert.equal(execution.status, 'completed', execution.error ?? '');
    await drainNotifyQueue(stack.runtime);
    const backup = (await stack.runtime.backups.findById(execution.backupId!))!;

    const hooks = receiver.on('/webhook');
    assert.equal(hooks.length, 1);
    completed = hooks[0];
    assert.equal(completed.status, 200, 'the user guide receiver accepted the signature');
    assert.deepEqual(completed.body, {
      event: 'backup.completed',
      backup: {
        type: 'database',
        filename: backup.filename,
        fileSize: backup.sizeBytes,
        isEncrypted: true,
        checksum: backup.checksum,
        durationMs: backup.durationMs,
      },
      schedule: null,
      timestamp: completed.body.timestamp,
    });
    assert.deepEqual(Object.keys(completed.body), ['event', 'backup', 'schedule', 'timestamp']);
    assert.deepEqual(Object.keys(completed.body.backup), ['type', 'filename', 'fileSize', 'isEncrypted', 'checksum', 'durationMs']);
    assert.ok(Math.abs(Date.parse(completed.body.timestamp) - Date.now()) < 120_000);
    assert.equal(completed.headers['x-kanbu-event'], 'backup.completed');
    assert.match(String(completed.headers['x-kanbu-delivery']), UUID);
    assert.ok(Math.abs(Number(completed.headers['x-kanbu-timestamp']) - Date.now() / 1000) < 120);
    assert.equal(completed.headers['content-type'], 'application/json');

    const log = await stack.runtime.deliveries.forDelivery(String(completed.headers['x-kanbu-delivery']));
    assert.deepEqual(
      log.map((d) => [d.channel, d.status, d.responseCode, d.attempt]),
      [['webhook', 'delivered', 200, 1]],
    );
  });

  it('the same receiver rejects a tampered body or a signature made with another secret', async () => {
    const signature = String(completed.headers['x-kanbu-signature']);
    const post = (body: string, sig: string) =>
      http('POST', receiver.url('/webhook'), { rawBody: body, headers: { 'x-kanbu-signature': sig, 'content-type': 'application/json' } });
    const original = JSON.stringify(completed.body);
    assert.equal((await post(original, signature)).status, 200, 'control: the untouched body passes');
    const tampered = [
      JSON.stringify({ ...completed.body, backup: { ...completed.body.backup, fileSize: completed.body.backup.fileSize + 1 } }),
      JSON.stringify({ ...completed.body, event: 'backup.failed' }),
      original.replace(completed.body.backup.checksum, '0'.repeat(64)),
    ];
    for (const body of tampered) assert.equal((await post(body, signature)).status, 401, body);
    const otherSecret = createHmac('sha256', 'some other secret 0123456789').update(original).digest('hex');
    assert.equal((await post(original, otherSecret)).status, 401);
  });

  it('an e-mail with the backup facts arrives at the SMTP server', async () => {
    const backup = (await stack.runtime.backups.list({ page: 1, pageSize: 1, sort: 'createdAt', order: 'DESC' })).items[0];
    assert.equal(smtp.messages.length, 1);
    const { envelopeTo, mail } = smtp.messages[0];
    assert.deepEqual(envelopeTo.sort(), ['cto@kanbu.test', 'ops@kanbu.test']);
    assert.equal(mail.subject, '[Kanbu Backup] Backup completed: database');
    assert.equal(mail.from?.text, '"Kanbu Backup" <backups@kanbu.test>');
    const text = mail.text ?? '';
    assert.ok(text.includes(`File:      ${backup.filename}`), text);
    assert.ok(text.includes(`(${backup.sizeBytes} bytes)`), text);
    assert.ok(text.includes(`SHA-256:   ${backup.checksum}`), text);
    assert.ok(text.includes('Encrypted: yes'), text);
  });

  it('Slack and Discord receive their native incoming-webhook formats', async () => {
    const [slack] = receiver.on('/slack');
    assert.equal(slack.status, 200);
    assert.equal(slack.body.text, ':white_check_mark: Backup completed: database');
    assert.equal(slack.body.blocks[0].type, 'header');
    assert.ok(slack.body.blocks[2].fields.some((f: { text: string }) => f.text === `*File*\n${completed.body.backup.filename}`));
    const [discord] = receiver.on('/discord');
    assert.equal(discord.status, 204);
    assert.equal(discord.body.embeds[0].title, 'Backup completed: database');
    assert.equal(discord.body.embeds[0].color, 0x2eb67d);
    assert.ok(discord.body.embeds[0].fields.some((f: { name: string; value: string }) => f.name === 'File' && f.value === completed.body.backup.filename));
  });

  it('the heartbeat URL is called once after the successful backup', async () => {
    assert.deepEqual(
      receiver.on('/heartbeat').map((r) => [r.method, r.status]),
      [['GET', 200]],
    );
  });

  it('a webhook receiver that hangs does not hold up backups', async () => {
    await stack.runtime.notificationSettings.update({ webhookUrl: receiver.url('/hang'), emailRecipients: [], slackWebhookUrl: null, discordWebhookUrl: null });
    const [held] = await stack.runtime.notifications.publish(testEvent());
    await waitFor(async () => (receiver.hanging() === 1 ? true : undefined), 'the receiver to hold a delivery');
    const execution = await runBackup();
    assert.equal(execution.status, 'completed');
    assert.equal(receiver.hanging(), 1, 'the backup ran and completed while the receiver held the earlier delivery');
    await stack.runtime.notificationSettings.update({ webhookUrl: receiver.url('/webhook'), emailRecipients: ['ops@kanbu.test'] });
    receiver.release();
    await drainNotifyQueue(stack.runtime);
    const attempts = await stack.runtime.deliveries.forDelivery(held.deliveryId);
    assert.deepEqual(
      attempts.map((a) => [a.status, a.responseCode]),
      [['delivered', 200]],
    );
  });

  it("backup.failed carries pg_dump's reason, on the webhook and by e-mail", async () => {
    await dropDatabase(source.name);
    const execution = await runBackup();
    assert.equal(execution.status, 'failed');
    await drainNotifyQueue(stack.runtime);
    // Only what Kanbu Backup sent (the tampering test above posted a fake backup.failed itself).
    const failed = receiver.on('/webhook').filter((r) => r.body?.event === 'backup.failed' && r.headers['x-kanbu-delivery']);
    assert.equal(failed.length, 1);
    assert.equal(failed[0].status, 200, 'signed correctly');
    assert.deepEqual(Object.keys(failed[0].body), ['event', 'backup', 'schedule', 'error', 'timestamp']);
    assert.match(failed[0].body.error, /database ".*" does not exist/);
    assert.equal(failed[0].body.backup.fileSize, null);
    assert.equal(failed[0].body.backup.checksum, null);
    assert.match(failed[0].body.backup.filename, /^kanbu_backup_.*\.sql\.gz\.enc$/);
    const mail = smtp.messages.at(-1)!.mail;
    assert.equal(mail.subject, '[Kanbu Backup] Backup failed: database');
    assert.match(mail.text ?? '', /does not exist/);
    assert.equal(receiver.on('/heartbeat').length, 2, 'no heartbeat for a failed backup (one each for the two successful ones)');
  });
});
