import type { NotificationDeliveryRepository } from '../catalog/repositories/notification-delivery.repository';
import type { NotificationSettingsRepository } from '../catalog/repositories/notification-settings.repository';
import type { Config } from '../config';
import { AppError, ErrorCode } from '../errors';
import { sendToChannel } from './channel-sender';
import type { DeliveryChannel } from '../domain/delivery-channel';
import { ChannelConfig, channelTarget, ChannelTarget, describeTarget } from './channels';
import type { DeliveryResult } from './delivery-result';
import type { NotificationEvent } from '../domain/notification-events';

export interface DeliveryDeps {
  settings: NotificationSettingsRepository;
  deliveries: NotificationDeliveryRepository;
  config: ChannelConfig & Pick<Config, 'BACKUP_NOTIFY_TIMEOUT_SECONDS'>;
}

export interface AttemptMeta {
  deliveryId: string;
  executionId: string | null;
  attempt: number;
  /** Whether a failure of this attempt will be followed by another one. */
  retriesLeft: boolean;
  now?: Date;
}

export interface AttemptReport extends DeliveryResult {
  channel: DeliveryChannel;
  target: string;
}

/** Sends once through one channel and records the attempt, whatever its outcome. */
export async function attemptDelivery(deps: DeliveryDeps, target: ChannelTarget, event: NotificationEvent, meta: AttemptMeta): Promise<AttemptReport> {
  const result = await sendToChannel(target, event, {
    deliveryId: meta.deliveryId,
    now: meta.now ?? new Date(),
    timeoutMs: deps.config.BACKUP_NOTIFY_TIMEOUT_SECONDS * 1000,
  });
  const shown = describeTarget(target);
  await deps.deliveries.record({
    deliveryId: meta.deliveryId,
    executionId: meta.executionId,
    event: event.event,
    channel: target.channel,
    attempt: meta.attempt,
    status: result.ok ? 'delivered' : 'failed',
    willRetry: !result.ok && result.retryable && meta.retriesLeft,
    responseCode: result.statusCode,
    error: result.error,
    target: shown,
    durationMs: result.durationMs,
  });
  return { ...result, channel: target.channel, target: shown };
}

export interface DeliveryRequest {
  channel: DeliveryChannel;
  event: NotificationEvent;
  deliveryId: string;
  executionId: string | null;
  attempt: number;
  maxAttempts: number;
}

export type DeliveryOutcome = { status: 'delivered'; target: string; responseCode: number | null } | { status: 'skipped'; reason: string };

/**
 * One attempt of a notify job. The address and secret are read now, so a
 * changed setting applies to pending retries too, and a channel removed since
 * the event is skipped (and recorded as such). A failure throws: retryable ones
 * are retried by BullMQ with backoff, the others end the job at once.
 */
export async function deliverNotification(deps: DeliveryDeps, request: DeliveryRequest): Promise<DeliveryOutcome> {
  const target = channelTarget(request.channel, await deps.settings.get(), deps.config);
  if (!target) {
    const reason = `the ${request.channel} channel is no longer configured`;
    const { deliveryId, executionId, channel, attempt } = request;
    await deps.deliveries.record({ deliveryId, executionId, channel, attempt, event: request.event.event, status: 'skipped', error: reason });
    return { status: 'skipped', reason };
  }
  const report = await attemptDelivery(deps, target, request.event, { ...request, retriesLeft: request.attempt < request.maxAttempts });
  if (report.ok) return { status: 'delivered', target: report.target, responseCode: report.statusCode };
  throw new AppError(ErrorCode.NotificationDeliveryFailed, `${request.channel} delivery to ${report.target} failed: ${report.error}`, {
    retryable: report.retryable,
  });
}
