import { createHmac } from 'node:crypto';
import type { NotificationEvent } from '../domain/notification-events';

export const USER_AGENT = 'Kanbu-Backup-Notifier/1';

/**
 * The exact body bytes: compact JSON in the event's key order. Receivers verify
 * with `createHmac('sha256', secret).update(JSON.stringify(req.body))`, which
 * reproduces these bytes because events hold only JSON-stable values.
 */
export function serializeEvent(event: NotificationEvent): string {
  return JSON.stringify(event);
}

/** Hex HMAC-SHA256 of the body: the `X-Kanbu-Signature` header. */
export function signBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

export interface WebhookRequestInput {
  event: NotificationEvent;
  deliveryId: string;
  /** Without a secret the request is sent unsigned (no `X-Kanbu-Signature`). */
  secret: string | null;
  now: Date;
}

export interface WebhookRequest {
  body: string;
  headers: Record<string, string>;
}

/** Body and headers of one webhook delivery. The delivery id stays the same across retries, so receivers can de-duplicate. */
export function buildWebhookRequest(input: WebhookRequestInput): WebhookRequest {
  const body = serializeEvent(input.event);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    'X-Kanbu-Event': input.event.event,
    'X-Kanbu-Delivery': input.deliveryId,
    'X-Kanbu-Timestamp': String(Math.floor(input.now.getTime() / 1000)),
  };
  if (input.secret) headers['X-Kanbu-Signature'] = signBody(body, input.secret);
  return { body, headers };
}
