import type { NotificationSettings } from '../catalog/entities';
import type { Config } from '../config';
import { Channel, CHANNELS, DeliveryChannel } from '../domain/delivery-channel';

export type ChannelSettings = Pick<NotificationSettings, 'webhookUrl' | 'webhookSecret' | 'emailRecipients' | 'slackWebhookUrl' | 'discordWebhookUrl'>;
export type ChannelConfig = Pick<Config, 'SMTP_URL' | 'SMTP_FROM' | 'BACKUP_HEARTBEAT_URL' | 'BACKUP_HEARTBEAT_METHOD'>;

export type ChannelTarget =
  | { channel: 'webhook'; url: string; secret: string | null }
  | { channel: 'slack' | 'discord'; url: string }
  | { channel: 'email'; recipients: string[]; smtpUrl: string; from: string }
  | { channel: 'heartbeat'; url: string; method: 'GET' | 'POST' };

/** Where a channel delivers right now, or null when it is not (or no longer) configured. */
export function channelTarget(channel: DeliveryChannel, settings: ChannelSettings, config: ChannelConfig): ChannelTarget | null {
  switch (channel) {
    case 'webhook':
      return settings.webhookUrl ? { channel, url: settings.webhookUrl, secret: settings.webhookSecret || null } : null;
    case 'slack':
      return settings.slackWebhookUrl ? { channel, url: settings.slackWebhookUrl } : null;
    case 'discord':
      return settings.discordWebhookUrl ? { channel, url: settings.discordWebhookUrl } : null;
    case 'email':
      return settings.emailRecipients.length > 0 && config.SMTP_URL
        ? { channel, recipients: settings.emailRecipients, smtpUrl: config.SMTP_URL, from: config.SMTP_FROM }
        : null;
    case 'heartbeat':
      return config.BACKUP_HEARTBEAT_URL ? { channel, url: config.BACKUP_HEARTBEAT_URL, method: config.BACKUP_HEARTBEAT_METHOD } : null;
  }
}

export function configuredChannels(settings: ChannelSettings, config: ChannelConfig): Channel[] {
  return CHANNELS.filter((channel) => channelTarget(channel, settings, config) !== null);
}

/**
 * A URL for display and the delivery log: no credentials, no query string, and
 * for URLs that are themselves the secret (Slack, Discord, heartbeat) no path.
 */
export function maskUrl(url: string, keepPath: boolean): string {
  try {
    const u = new URL(url);
    // No query: its values are often tokens (`?token=…`).
    return keepPath ? `${u.origin}${u.pathname}` : `${u.origin}/***`;
  } catch {
    return '***';
  }
}

/** Where a delivery went, safe to store and show. */
export function describeTarget(target: ChannelTarget): string {
  switch (target.channel) {
    case 'webhook':
      return maskUrl(target.url, true);
    case 'email': {
      const shown = target.recipients.slice(0, 3).join(', ');
      return target.recipients.length > 3 ? `${shown} +${target.recipients.length - 3} more` : shown;
    }
    default:
      return maskUrl(target.url, false);
  }
}
