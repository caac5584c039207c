import assert from 'node:assert/strict';
import { http, HttpResult } from '../helpers/http';
import { freePort } from '../helpers/processes';
import { ADMIN_KEY, startStack, TestStack } from '../../scripts/lib/stack';
import { Receiver, startReceiver } from '../helpers/webhook-receiver';

const SECRET = 'notification-api-test-secret-0123456789';
const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/abcdefghijklmnop';

function assertError(res: HttpResult, status: number, code: string) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body?.error?.code, code, res.text);
  assert.equal(res.text.includes('    at '), false, 'no stack trace');
}

describe('notification settings API', () => {
  let stack: TestStack;
  let receiver: Receiver;
  const url = () => `${stack.baseUrl}/api/notifications`;

  before(async () => {
    receiver = await startReceiver(SECRET);
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
    await receiver?.close();
  });

  it('needs the admin key', async () => {
    for (const [method, path] of [
      ['GET', ''],
      ['PUT', ''],
      ['POST', '/test'],
      ['GET', '/deliveries'],
    ]) {
      assertError(await http(method, `${url()}${path}`, method === 'GET' ? {} : { body: {} }), 401, 'UNAUTHORIZED');
    }
  });

  it('starts with failure notifications on and no channel', async () => {
    const res = await http('GET', url(), { token: ADMIN_KEY });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      webhookUrl: null,
      webhookSecretSet: false,
      notifyOnSuccess: false,
      notifyOnFailure: true,
      emailRecipients: [],
      smtpConfigured: false,
      slackWebhookUrl: null,
      discordWebhookUrl: null,
      heartbeatConfigured: false,
      activeChannels: [],
      updatedAt: null,
    });
  });

  it('saves the settings; the secret is write-only and the Slack URL is masked', async () => {
    const body = {
      webhookUrl: receiver.url('/webhook'),
      webhookSecret: SECRET,
      notifyOnSuccess: true,
      notifyOnFailure: true,
      emailRecipients: ['ops@example.com', 'ops@example.com', 'cto@example.com'],
      slackWebhookUrl: SLACK_URL,
    };
    const res = await http('PUT', url(), { token: ADMIN_KEY, body });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text.includes(SECRET), false, 'the secret is never returned');
    assert.equal(res.text.includes('abcdefghijklmnop'), false, 'the Slack token is never returned');
    assert.equal(res.body.webhookUrl, receiver.url('/webhook'));
    assert.equal(res.body.webhookSecretSet, true);
    assert.equal(res.body.slackWebhookUrl, 'https://hooks.slack.com/***');
    assert.deepEqual(res.body.emailRecipients, ['ops@example.com', 'cto@example.com']);
    assert.deepEqual(res.body.activeChannels, ['webhook', 'slack'], 'e-mail needs SMTP_URL');
    assert.deepEqual((await http('GET', url(), { token: ADMIN_KEY })).body, res.body);
    const stored = await stack.runtime.notificationSettings.get();
    assert.equal(stored.webhookSecret, SECRET);
    assert.equal(stored.slackWebhookUrl, SLACK_URL);
  });

  it('a partial PUT keeps what it leaves out; null clears', async () => {
    const res = await http('PUT', url(), { token: ADMIN_KEY, body: { notifyOnSuccess: false, slackWebhookUrl: null } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.notifyOnSuccess, false);
    assert.equal(res.body.webhookSecretSet, true, 'the secret survives a save that does not mention it');
    assert.equal(res.body.slackWebhookUrl, null);
    assert.equal(res.body.webhookUrl, receiver.url('/webhook'));
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['an ftp webhook URL', { webhookUrl: 'ftp://example.com/hook' }, 'webhookUrl'],
    ['a javascript: webhook URL', { webhookUrl: 'javascript:alert(1)' }, 'webhookUrl'],
    ['a webhook URL that is no URL', { webhookUrl: 'hooks.example.com' }, 'webhookUrl'],
    ['a file: Slack URL', { slackWebhookUrl: 'file:///etc/passwd' }, 'slackWebhookUrl'],
    ['a Discord URL that is a number', { discordWebhookUrl: 42 }, 'discordWebhookUrl'],
    ['a short secret', { webhookSecret: 'short' }, 'webhookSecret'],
    ['a string for a boolean', { notifyOnFailure: 'yes' }, 'notifyOnFailure'],
    ['null for a boolean', { notifyOnSuccess: null }, 'notifyOnSuccess'],
    ['a recipient that is no address', { emailRecipients: ['ops@example.com', 'not-an-address'] }, 'emailRecipients'],
    ['recipients as a string', { emailRecipients: 'ops@example.com' }, 'emailRecipients'],
    ['an unknown field', { webhookHeaders: { a: 1 } }, 'webhookHeaders'],
    ['a webhook URL with a password', { webhookUrl: 'https://user:pw-secret@hooks.example.com/in' }, 'webhookUrl'],
    ['a Slack URL with a user', { slackWebhookUrl: 'https://user@hooks.slack.com/services/x' }, 'slackWebhookUrl'],
  ];
  for (const [what, body, field] of invalid) {
    it(`PUT with ${what} → 400 naming ${field}, and nothing changes`, async () => {
      const before = await stack.runtime.notificationSettings.get();
      const res = await http('PUT', url(), { token: ADMIN_KEY, body });
      assertError(res, 400, 'VALIDATION_FAILED');
      assert.ok(
        res.body.error.details.some((d: { field: string }) => d.field === field),
        res.text,
      );
      assert.deepEqual(await stack.runtime.notificationSettings.get(), before);
    });
  }

  it('PUT with broken JSON → 400 INVALID_JSON', async () => {
    assertError(await http('PUT', url(), { token: ADMIN_KEY, rawBody: '{"webhookUrl": ' }), 400, 'INVALID_JSON');
  });

  it('POST /test reports what each receiver answered, and records the attempts', async () => {
    const deadPort = await freePort();
    await http('PUT', url(), {
      token: ADMIN_KEY,
      body: { webhookUrl: receiver.url('/webhook'), slackWebhookUrl: receiver.url('/slack'), discordWebhookUrl: `http://127.0.0.1:${deadPort}/discord` },
    });
    receiver.failNext('/slack', [500]);
    const res = await http('POST', `${url()}/test`, { token: ADMIN_KEY });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.event, 'test');
    const byChannel = Object.fromEntries(res.body.results.map((r: { channel: string }) => [r.channel, r]));
    assert.deepEqual(Object.keys(byChannel).sort(), ['discord', 'slack', 'webhook']);
    assert.equal(byChannel.webhook.ok, true);
    assert.equal(byChannel.webhook.statusCode, 200, 'the user-guide receiver accepted the signature');
    assert.equal(byChannel.slack.ok, false);
    assert.equal(byChannel.slack.statusCode, 500);
    assert.match(byChannel.slack.error, /^HTTP 500: scripted 500$/);
    assert.equal(byChannel.discord.ok, false);
    assert.equal(byChannel.discord.statusCode, null);
    assert.match(byChannel.discord.error, /ECONNREFUSED/);
    assert.equal(byChannel.discord.target, `http://127.0.0.1:${deadPort}/***`);

    const received = receiver.on('/webhook').at(-1)!;
    assert.equal(received.body.event, 'test');
    assert.equal(received.headers['x-kanbu-event'], 'test');
    assert.equal(received.headers['x-kanbu-delivery'], res.body.deliveryId);

    const log = await http('GET', `${url()}/deliveries?event=test&pageSize=10`, { token: ADMIN_KEY });
    assert.equal(log.status, 200);
    assert.equal(log.body.total, 3);
    const logged = Object.fromEntries(log.body.items.map((d: { channel: string }) => [d.channel, d]));
    assert.equal(logged.webhook.status, 'delivered');
    assert.equal(logged.webhook.responseCode, 200);
    assert.equal(logged.slack.status, 'failed');
    assert.equal(logged.slack.responseCode, 500);
    assert.equal(logged.slack.willRetry, false, 'a test is sent once');
    assert.equal(logged.slack.target, 'http://127.0.0.1:' + new URL(receiver.url('/')).port + '/***');
    assert.equal(JSON.stringify(log.body).includes(SECRET), false);
  });

  it('POST /test for a channel that is not configured → 409; for an unknown channel → 400', async () => {
    assertError(await http('POST', `${url()}/test`, { token: ADMIN_KEY, body: { channels: ['email'] } }), 409, 'NOTIFICATIONS_NOT_CONFIGURED');
    assertError(await http('POST', `${url()}/test`, { token: ADMIN_KEY, body: { channels: ['pager'] } }), 400, 'VALIDATION_FAILED');
    await http('PUT', url(), { token: ADMIN_KEY, body: { webhookUrl: null, slackWebhookUrl: '', discordWebhookUrl: null } });
    const none = await http('POST', `${url()}/test`, { token: ADMIN_KEY });
    assertError(none, 409, 'NOTIFICATIONS_NOT_CONFIGURED');
    assert.match(none.body.error.message, /no notification channel is configured/);
  });

  it('validates the delivery log query', async () => {
    for (const query of ['channel=pager', 'status=lost', 'event=backup.exploded', 'deliveryId=x', 'pageSize=1000']) {
      assertError(await http('GET', `${url()}/deliveries?${query}`, { token: ADMIN_KEY }), 400, 'VALIDATION_FAILED');
    }
  });

  it('shows and records a webhook URL without its query (often a token)', async () => {
    const port = await freePort();
    const put = await http('PUT', url(), { token: ADMIN_KEY, body: { webhookUrl: `http://127.0.0.1:${port}/in?token=QUERYSECRET123&x=1` } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.webhookUrl, `http://127.0.0.1:${port}/in`);
    const sent = await http('POST', `${url()}/test`, { token: ADMIN_KEY, body: { channels: ['webhook'] } });
    assert.equal(sent.status, 200, sent.text);
    assert.equal(sent.body.results[0].ok, false);
    assert.doesNotMatch(JSON.stringify(sent.body), /QUERYSECRET123/);
    const log = await http('GET', `${url()}/deliveries?channel=webhook`, { token: ADMIN_KEY });
    assert.doesNotMatch(JSON.stringify(log.body), /QUERYSECRET123/);
    await http('PUT', url(), { token: ADMIN_KEY, body: { webhookUrl: receiver.url('/webhook') } });
  });
});
