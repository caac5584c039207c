import type { BackupType, Trigger } from '../domain/types';
import type { DeliveryChannel } from '../domain/delivery-channel';
import type { NotificationEvent } from '../domain/notification-events';
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
 * Adopts backup files a storage target holds that the catalog does not know
 * (`POST /api/storage/import`); runs on the prune queue, which already owns
 * catalog-versus-storage housekeeping. `target` null: the primary.
 */
export interface StorageImportJobData extends ExecutionRef {
  type: 'import';
  target: string | null;
}

/** What the prune queue runs. */
export type PruneQueueJobData = PruneJobData | StorageImportJobData;

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

/** Restore a backup (the two-step API already confirmed it), or drop the database a restore replaced. */
export type RestoreJobData = ExecutionRef &
  (
    | { action: 'restore'; backupId: string; targetDatabase?: string; targetPath?: string; replaceExisting?: boolean; keepPrevious: boolean }
    | { action: 'drop-previous'; restoreExecutionId: string }
  );

export type VerifyMode = 'checksum' | 'restore-test';

export interface VerifyJobData extends ExecutionRef {
  /** A backup id, or `latest`: the newest usable database backup when the job runs (scheduled verification). */
  backupId: string;
  mode: VerifyMode;
}

/** The payload type of each queue. */
export interface JobPayloads {
  backup: BackupJobData;
  restore: RestoreJobData;
  verify: VerifyJobData;
  prune: PruneQueueJobData;
  notify: NotifyJobData;
}

export type QueueWithPayload = Extract<keyof JobPayloads, QueueName>;

const JOB_NAMES: { [Q in QueueWithPayload]: (data: JobPayloads[Q]) => string } = {
  backup: (data) => `backup.${data.type}`,
  restore: (data) => `restore.${data.action}`,
  verify: (data) => `verify.${data.mode}`,
  prune: (data) => `prune.${data.type}`,
  notify: (data) => `notify.${data.type}`,
};

/** Job names: `<queue>.<variant>`, e.g. `backup.database`, as Bull Board shows them. */
export function jobName<Q extends QueueWithPayload>(queue: Q, data: JobPayloads[Q]): string {
  return JOB_NAMES[queue](data);
}
