import type { Job } from 'bullmq';
import { evaluateAlerts } from '../../../shared/monitoring/evaluate-alerts';
import { deliverNotification } from '../../../shared/notify/deliver-notification';
import type { NotifyJobData } from '../../../shared/queue/job-payloads';
import type { Runtime } from '../../../shared/runtime/runtime';
import type { JobContext, JobHandler } from '../job-runner';

/** The notify queue: deliveries of one event through one channel, and the periodic alert evaluation. */
export function notifyProcessor(runtime: Runtime): JobHandler<NotifyJobData> {
  const config = runtime.config;
  return async (job: Job<NotifyJobData>, ctx: JobContext) => {
    const data = job.data;
    if (data.type === 'alerts') {
      const result = await evaluateAlerts(
        { stats: runtime.stats, alerts: runtime.alerts, storages: runtime.storageTargets, publish: (event) => runtime.notifications.publish(event) },
        { maxAgeHours: config.BACKUP_ALERT_MAX_AGE_HOURS, sizeChangePct: config.BACKUP_ALERT_SIZE_CHANGE_PCT, storagePct: config.BACKUP_ALERT_STORAGE_PCT },
      );
      for (const line of result.announced) ctx.logger.info(`Queued ${line}`);
      return result;
    }
    if (job.attemptsMade === 0)
      await runtime.executions.mergeDetails(ctx.execution.id, { channel: data.type, event: data.event.event, deliveryId: data.deliveryId });
    const outcome = await deliverNotification(
      { settings: runtime.notificationSettings, deliveries: runtime.deliveries, config },
      {
        channel: data.type,
        event: data.event,
        deliveryId: data.deliveryId,
        executionId: ctx.execution.id,
        attempt: job.attemptsMade + 1,
        maxAttempts: job.opts.attempts ?? 1,
      },
    );
    if (outcome.status === 'skipped') ctx.logger.info(`Skipped ${data.event.event} ${data.deliveryId}: ${outcome.reason}`);
    else ctx.logger.info(`Delivered ${data.event.event} ${data.deliveryId} via ${data.type} to ${outcome.target}`);
    return outcome;
  };
}
