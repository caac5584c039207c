import type { NotificationDelivery, NotificationSettings } from '../../shared/catalog/entities';
import type { Config } from '../../shared/config';
import { configuredChannels, maskUrl } from '../../shared/notify/channels';
import type { AttemptReport } from '../../shared/notify/deliver-notification';

/**
 * The settings as clients see them: the webhook secret never (only whether
 * one is set), and Slack/Discord URLs masked, because their path is the token.
 */
export function presentNotificationSettings(
  settings: NotificationSettings,
  config: Pick<Config, 'SMTP_URL' | 'SMTP_FROM' | 'BACKUP_HEARTBEAT_URL' | 'BACKUP_HEARTBEAT_METHOD'>,
) {
  return {
    webhookUrl: settings.webhookUrl ? maskUrl(settings.webhookUrl, true) : null,
    webhookSecretSet: !!settings.webhookSecret,
    notifyOnSuccess: settings.notifyOnSuccess,
    notifyOnFailure: settings.notifyOnFailure,
    emailRecipients: settings.emailRecipients,
    smtpConfigured: !!config.SMTP_URL,
    slackWebhookUrl: settings.slackWebhookUrl ? maskUrl(settings.slackWebhookUrl, false) : null,
    discordWebhookUrl: settings.discordWebhookUrl ? maskUrl(settings.discordWebhookUrl, false) : null,
    heartbeatConfigured: !!config.BACKUP_HEARTBEAT_URL,
    activeChannels: configuredChannels(settings, config),
    updatedAt: settings.updatedAt ?? null,
  };
}

export function presentAttempt(report: AttemptReport) {
  return { channel: report.channel, target: report.target, ok: report.ok, statusCode: report.statusCode, error: report.error, durationMs: report.durationMs };
}

export function presentDelivery(d: NotificationDelivery) {
  return {
    id: d.id,
    deliveryId: d.deliveryId,
    executionId: d.executionId,
    event: d.event,
    channel: d.channel,
    attempt: d.attempt,
    status: d.status,
    willRetry: d.willRetry,
    responseCode: d.responseCode,
    error: d.error,
    target: d.target,
    durationMs: d.durationMs,
    createdAt: d.createdAt,
  };
}
