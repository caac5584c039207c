import type { BackupType, Trigger } from '../domain/types';
import type { DeliveryChannel } from '../notify/channels';
import type { NotificationEvent } from '../notify/events';
import type { QueueName } from './queue-names';

/**
 * Job data is ids and choices only: never secrets, never file contents.
 * `executionId` is set by the enqueue helper; jobs created by a BullMQ job scheduler
 * arrive without one and the worker records their execution itself.
 */
interface ExecutionRef {
  executionId?: string;
  trigger: Trigger;
  scheduleId?: string | null;
}

export interface BackupJobData extends ExecutionRef {
  type: BackupType;
  /** ISO time of the schedule slot an external trigger was filed under (scheduled jobs derive theirs). */
  slot?: string;
}

/**
 * Applies retention to the backups of one schedule (or of none, `scheduleId: null`), all types.
 * `type` is that of the backup whose success queued it (it names the job).
 */
export interface PruneJobData extends ExecutionRef {
  type: BackupType;
}

/**
 * One event through one channel. The channel's address and secret are read
 * from the catalog and environment when the job runs, never carried here.
 */
export interface NotifyDeliveryJobData extends ExecutionRef {
  type: DeliveryChannel;
  /** `X-Kanbu-Delivery`: the same for every attempt. */
  deliveryId: string;
  event: NotificationEvent;
}

/** The periodic evaluation of the alert rules. */
export interface AlertEvaluationJobData extends ExecutionRef {
  type: 'alerts';
}

export type NotifyJobData = NotifyDeliveryJobData | AlertEvaluationJobData;

/** The payload type of each queue. A queue without an entry has no jobs yet. */
export interface JobPayloads {
  backup: BackupJobData;
  prune: PruneJobData;
  notify: NotifyJobData;
}

export type QueueWithPayload = Extract<keyof JobPayloads, QueueName>;

/** Job names: `<queue>.<variant>`, e.g. `backup.database`. */
export function jobName<Q extends QueueWithPayload>(queue: Q, data: JobPayloads[Q]): string {
  return `${queue}.${data.type}`;
}
