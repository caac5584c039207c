import { randomUUID } from 'node:crypto';
import type { NotificationSettingsRepository } from '../catalog/repositories/notification-settings.repository';
import { enqueue, EnqueueDeps } from '../queue/enqueue';
import type { DeliveryChannel } from '../domain/delivery-channel';
import { ChannelConfig, configuredChannels } from './channels';
import { isSuccessfulBackup, NotificationEvent } from '../domain/notification-events';
import { wantsEvent } from './outcome-events';

export interface DispatcherDeps {
  enqueueDeps: EnqueueDeps;
  settings: NotificationSettingsRepository;
  config: ChannelConfig;
}

export interface QueuedDelivery {
  channel: DeliveryChannel;
  deliveryId: string;
  executionId: string;
}

/**
 * Turns an event into notify jobs: one per configured channel the operator
 * wants it on (so a failing Slack never re-sends a delivered webhook), plus
 * the heartbeat after a successful backup. It only queues; sending happens in
 * the notify workers, so no receiver can slow down a backup.
 */
export class NotificationDispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  async publish(event: NotificationEvent): Promise<QueuedDelivery[]> {
    const settings = await this.deps.settings.get();
    const channels: DeliveryChannel[] = wantsEvent(event, settings) ? configuredChannels(settings, this.deps.config) : [];
    if (isSuccessfulBackup(event) && this.deps.config.BACKUP_HEARTBEAT_URL) channels.push('heartbeat');
    const queued: QueuedDelivery[] = [];
    for (const channel of channels) {
      const deliveryId = randomUUID();
      const job = await enqueue(this.deps.enqueueDeps, 'notify', { type: channel, deliveryId, event, trigger: 'system', scheduleId: null });
      queued.push({ channel, deliveryId, executionId: job.executionId });
    }
    return queued;
  }
}
