import { randomUUID } from 'node:crypto';
import { AppError, ErrorCode } from '../errors';
import { Channel, CHANNELS } from '../domain/delivery-channel';
import { channelTarget, ChannelTarget } from './channels';
import { attemptDelivery, AttemptReport, DeliveryDeps } from './deliver-notification';
import { testEvent } from '../domain/notification-events';

export interface TestNotificationReport {
  deliveryId: string;
  results: AttemptReport[];
}

/**
 * Sends a `test` event right away through the configured channels (or the
 * ones asked for), once each, and reports what every receiver answered.
 * Attempts are recorded like any other.
 */
export async function sendTestNotification(deps: DeliveryDeps, only?: Channel[]): Promise<TestNotificationReport> {
  const settings = await deps.settings.get();
  const wanted = only && only.length > 0 ? only : CHANNELS;
  const targets = wanted.map((c) => channelTarget(c, settings, deps.config)).filter((t): t is ChannelTarget => t !== null);
  if (targets.length === 0) {
    const missing = only && only.length > 0 ? `${only.join(', ')} ${only.length === 1 ? 'is' : 'are'} not configured` : 'no notification channel is configured';
    throw new AppError(ErrorCode.NotificationsNotConfigured, `Nothing to test: ${missing} (e-mail also needs SMTP_URL)`);
  }
  const deliveryId = randomUUID();
  const event = testEvent();
  const results = await Promise.all(targets.map((t) => attemptDelivery(deps, t, event, { deliveryId, executionId: null, attempt: 1, retriesLeft: false })));
  return { deliveryId, results };
}
