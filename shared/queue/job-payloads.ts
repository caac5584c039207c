import type { BackupType, Trigger } from '../domain/types';
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

/** The payload type of each queue. A queue without an entry has no jobs yet. */
export interface JobPayloads {
  backup: BackupJobData;
  prune: PruneJobData;
}

export type QueueWithPayload = Extract<keyof JobPayloads, QueueName>;

/** Job names: `<queue>.<variant>`, e.g. `backup.database`. */
export function jobName<Q extends QueueWithPayload>(queue: Q, data: JobPayloads[Q]): string {
  return `${queue}.${data.type}`;
}
