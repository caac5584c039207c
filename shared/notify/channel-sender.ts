import { discordMessage, slackMessage } from './chat-messages';
import type { ChannelTarget } from './channels';
import type { DeliveryResult } from './delivery-result';
import { emailMessage } from './email-message';
import { sendEmail } from './email-sender';
import type { NotificationEvent } from '../domain/notification-events';
import { sendHttp } from './http-delivery';
import { buildWebhookRequest, serializeEvent, USER_AGENT } from './webhook-request';

export interface SendContext {
  deliveryId: string;
  now: Date;
  timeoutMs: number;
}

const JSON_HEADERS = { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT };

/** Sends one event through one channel, once. Never throws; the result says how it went. */
export async function sendToChannel(target: ChannelTarget, event: NotificationEvent, ctx: SendContext): Promise<DeliveryResult> {
  const timeoutMs = ctx.timeoutMs;
  switch (target.channel) {
    case 'webhook': {
      const request = buildWebhookRequest({ event, deliveryId: ctx.deliveryId, secret: target.secret, now: ctx.now });
      return sendHttp({ method: 'POST', url: target.url, headers: request.headers, body: request.body, timeoutMs });
    }
    case 'slack':
      return sendHttp({ method: 'POST', url: target.url, headers: JSON_HEADERS, body: JSON.stringify(slackMessage(event)), timeoutMs });
    case 'discord':
      return sendHttp({ method: 'POST', url: target.url, headers: JSON_HEADERS, body: JSON.stringify(discordMessage(event)), timeoutMs });
    case 'heartbeat':
      return target.method === 'GET'
        ? sendHttp({ method: 'GET', url: target.url, headers: { 'User-Agent': USER_AGENT }, timeoutMs })
        : sendHttp({ method: 'POST', url: target.url, headers: JSON_HEADERS, body: serializeEvent(event), timeoutMs });
    case 'email':
      return sendEmail({ url: target.smtpUrl, from: target.from, timeoutMs }, target.recipients, emailMessage(event));
  }
}
