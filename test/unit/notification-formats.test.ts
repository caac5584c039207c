import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { channelTarget, configuredChannels, describeTarget, maskUrl } from '../../shared/notify/channels';
import { discordMessage, slackMessage } from '../../shared/notify/chat-messages';
import { classifyHttpStatus } from '../../shared/notify/delivery-result';
import { emailMessage } from '../../shared/notify/email-message';
import { isRetryableSmtpError } from '../../shared/notify/email-sender';
import type { BackupEvent, NotificationEvent } from '../../shared/domain/notification-events';
import { buildWebhookRequest, serializeEvent, signBody } from '../../shared/notify/webhook-request';

const completed: BackupEvent = {
  event: 'backup.completed',
  backup: {
    type: 'database',
    filename: 'kanbu_backup_2026-01-18T10-30-00.sql.gz.enc',
    fileSize: 1_234_567,
    isEncrypted: true,
    checksum: 'cd'.repeat(32),
    durationMs: 83_000,
  },
  schedule: { id: '0b6c1e9a-3f63-4c55-9d4e-5a4cf0b5e0a1', name: 'nightly' },
  timestamp: '2026-01-18T10:31:23.000Z',
};
const failed: BackupEvent = {
  event: 'backup.failed',
  backup: { type: 'database', filename: 'kanbu_backup_2026-01-18T10-30-00.sql.gz', fileSize: null, isEncrypted: false, checksum: null, durationMs: 800 },
  schedule: null,
  error: 'pg_dump exited with code 1: <@U123> & @everyone "quoted"',
  timestamp: '2026-01-18T10:30:01.000Z',
};

describe('webhook request', () => {
  it('signs with hex HMAC-SHA256 (checked against openssl)', () => {
    // printf '{"a":1}' | openssl dgst -sha256 -hmac secret
    assert.equal(signBody('{"a":1}', 'secret'), 'aa9e2e3575f5d7098b6caccd790888c36d5fdb63342a73bada2d6a51747a8494');
  });

  it("the body survives JSON.parse → JSON.stringify byte for byte, so the user guide's check passes, even for awkward text", () => {
    const awkward = ['Ünïcødé ✓ 🚀', 'quotes " and \\ backslashes', 'line\nbreak\ttab', 'separators \u2028\u2029', 'lone surrogate \ud800', '</script>', ''];
    for (const text of awkward) {
      const event: NotificationEvent = { ...failed, error: text };
      const request = buildWebhookRequest({ event, deliveryId: 'd', secret: 'a webhook secret of 32 characters', now: new Date() });
      const reparsed = JSON.stringify(JSON.parse(request.body));
      assert.equal(reparsed, request.body, JSON.stringify(text));
      const receiverSide = createHmac('sha256', 'a webhook secret of 32 characters').update(reparsed).digest('hex');
      assert.equal(receiverSide, request.headers['X-Kanbu-Signature']);
    }
  });

  it('carries event, delivery id and Unix timestamp headers, and no signature without a secret', () => {
    const now = new Date('2026-01-18T10:31:24.900Z');
    const signed = buildWebhookRequest({ event: completed, deliveryId: 'delivery-1', secret: 'secret', now });
    assert.equal(signed.body, serializeEvent(completed));
    assert.deepEqual(signed.headers, {
      'Content-Type': 'application/json',
      'User-Agent': 'Kanbu-Backup-Notifier/1',
      'X-Kanbu-Event': 'backup.completed',
      'X-Kanbu-Delivery': 'delivery-1',
      'X-Kanbu-Timestamp': '1768732284',
      'X-Kanbu-Signature': signBody(signed.body, 'secret'),
    });
    const unsigned = buildWebhookRequest({ event: completed, deliveryId: 'delivery-1', secret: null, now });
    assert.equal('X-Kanbu-Signature' in unsigned.headers, false);
  });
});

describe('retry classification', () => {
  const http: [number, string][] = [
    [200, 'delivered'],
    [204, 'delivered'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [408, 'retry'],
    [429, 'retry'],
    [400, 'reject'],
    [401, 'reject'],
    [403, 'reject'],
    [404, 'reject'],
    [410, 'reject'],
    [301, 'reject'],
    [302, 'reject'],
  ];
  for (const [status, verdict] of http) {
    it(`HTTP ${status} → ${verdict}`, () => assert.equal(classifyHttpStatus(status), verdict));
  }

  it('SMTP: 4xx replies and connection errors are retried; 5xx, bad credentials and bad addresses are not', () => {
    assert.equal(isRetryableSmtpError({ code: 'ECONNECTION' }), true);
    assert.equal(isRetryableSmtpError({ code: 'ETIMEDOUT' }), true);
    assert.equal(isRetryableSmtpError({ responseCode: 421 }), true);
    assert.equal(isRetryableSmtpError({ responseCode: 451 }), true);
    assert.equal(isRetryableSmtpError({ responseCode: 550 }), false);
    assert.equal(isRetryableSmtpError({ code: 'EAUTH', responseCode: 535 }), false);
    assert.equal(isRetryableSmtpError({ code: 'EENVELOPE' }), false);
  });
});

describe('channels', () => {
  const settings = {
    webhookUrl: 'https://hooks.example.com/kanbu?token=abc',
    webhookSecret: '',
    emailRecipients: ['ops@example.com'],
    slackWebhookUrl: 'https://hooks.slack.com/services/T0/B0/XXXX',
    discordWebhookUrl: null,
  };
  const config = {
    SMTP_URL: undefined,
    SMTP_FROM: 'Kanbu Backup <b@example.com>',
    BACKUP_HEARTBEAT_URL: 'https://hc-ping.com/uuid-1234',
    BACKUP_HEARTBEAT_METHOD: 'GET' as const,
  };

  it('configures a channel only with everything it needs (e-mail needs SMTP_URL too)', () => {
    assert.deepEqual(configuredChannels(settings, config), ['webhook', 'slack']);
    assert.deepEqual(configuredChannels(settings, { ...config, SMTP_URL: 'smtp://mail:25' }), ['webhook', 'email', 'slack']);
    assert.deepEqual(channelTarget('webhook', settings, config), { channel: 'webhook', url: settings.webhookUrl, secret: null });
    assert.deepEqual(channelTarget('heartbeat', settings, config), { channel: 'heartbeat', url: 'https://hc-ping.com/uuid-1234', method: 'GET' });
    assert.equal(channelTarget('heartbeat', settings, { ...config, BACKUP_HEARTBEAT_URL: undefined }), null);
  });

  it('shows targets without credentials, query strings or secret paths', () => {
    assert.equal(maskUrl('https://user:pw@hooks.example.com/kanbu?token=abc', true), 'https://hooks.example.com/kanbu');
    assert.equal(describeTarget({ channel: 'slack', url: settings.slackWebhookUrl }), 'https://hooks.slack.com/***');
    assert.equal(describeTarget({ channel: 'heartbeat', url: 'https://hc-ping.com/uuid-1234', method: 'GET' }), 'https://hc-ping.com/***');
    assert.equal(
      describeTarget({ channel: 'email', recipients: ['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io'], smtpUrl: 'smtp://m', from: 'f' }),
      'a@x.io, b@x.io, c@x.io +1 more',
    );
  });
});

describe('chat and e-mail formats', () => {
  it('Slack: Block Kit with a fallback text, the facts as fields, and mrkdwn control characters escaped', () => {
    const message = slackMessage(failed);
    assert.equal(message.text, ':rotating_light: Backup failed: database');
    const [header, section, fields, context] = message.blocks as [
      object,
      { text: { text: string } },
      { fields: object[] },
      { type: string; elements: { text: string }[] },
    ];
    assert.deepEqual(header, { type: 'header', text: { type: 'plain_text', text: 'Backup failed: database', emoji: true } });
    assert.equal(section.text.text, 'pg_dump exited with code 1: &lt;@U123&gt; &amp; @everyone "quoted"');
    assert.deepEqual(fields.fields[1], { type: 'mrkdwn', text: '*File*\nkanbu_backup_2026-01-18T10-30-00.sql.gz' });
    assert.equal(context.type, 'context');
    assert.match(context.elements[0].text, /backup\.failed · 2026-01-18T10:30:01\.000Z/);
  });

  it('Discord: one coloured embed with fields, and mentions in the text never ping anyone', () => {
    const message = discordMessage(completed);
    assert.deepEqual(message.allowed_mentions, { parse: [] });
    assert.equal(message.username, 'Kanbu Backup');
    const embed = message.embeds[0];
    assert.equal(embed.title, 'Backup completed: database');
    assert.equal(embed.color, 0x2eb67d);
    assert.equal(embed.timestamp, completed.timestamp);
    assert.deepEqual(
      embed.fields.find((f) => f.name === 'Size'),
      { name: 'Size', value: '1.2 MiB (1234567 bytes)', inline: true },
    );
    assert.deepEqual(
      embed.fields.find((f) => f.name === 'SHA-256'),
      { name: 'SHA-256', value: 'cd'.repeat(32), inline: false },
    );
    assert.equal(discordMessage(failed).embeds[0].color, 0xe01e5a);
  });

  it('e-mail: a subject that says what happened and one line per fact', () => {
    const mail = emailMessage(completed);
    assert.equal(mail.subject, '[Kanbu Backup] Backup completed: database');
    const lines = mail.text.split('\n');
    assert.equal(lines[0], 'kanbu_backup_2026-01-18T10-30-00.sql.gz.enc (1.2 MiB) was written successfully.');
    assert.ok(lines.includes('Size:      1.2 MiB (1234567 bytes)'), mail.text);
    assert.ok(lines.includes(`SHA-256:   ${'cd'.repeat(32)}`), mail.text);
    assert.ok(lines.includes('Duration:  1 min 23 s'), mail.text);
    assert.ok(lines.includes('Schedule:  nightly'), mail.text);
    assert.ok(lines.includes('Event: backup.completed'), mail.text);
  });
});
