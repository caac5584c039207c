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
}

/** Restore a backup (the two-step API already confirmed it), or drop the database a restore replaced. */
export type RestoreJobData = ExecutionRef &
  (
    | { action: 'restore'; backupId: string; targetDatabase?: string; targetPath?: string; keepPrevious: boolean }
    | { action: 'drop-previous'; restoreExecutionId: string }
  );

export type VerifyMode = 'checksum' | 'restore-test';

export interface VerifyJobData extends ExecutionRef {
  backupId: string;
  mode: VerifyMode;
}

/** The payload type of each queue. A queue without an entry has no jobs yet. */
export interface JobPayloads {
  backup: BackupJobData;
  restore: RestoreJobData;
  verify: VerifyJobData;
}

export type QueueWithPayload = Extract<keyof JobPayloads, QueueName>;

const JOB_NAMES: { [Q in QueueWithPayload]: (data: JobPayloads[Q]) => string } = {
  backup: (data) => `backup.${data.type}`,
  restore: (data) => `restore.${data.action}`,
  verify: (data) => `verify.${data.mode}`,
};

/** Job names: `<queue>.<variant>`, e.g. `backup.database`, as Bull Board shows them. */
export function jobName<Q extends QueueWithPayload>(queue: Q, data: JobPayloads[Q]): string {
  return JOB_NAMES[queue](data);
}
