import type { Backup, Execution } from '../catalog/entities';
import type { BackupType } from '../domain/types';
import type { QueueName } from '../queue/queue-names';
import { truncate } from '../util/format';
import type { BackupFacts, EventName, JobFacts, NotificationEvent, ScheduleRef } from '../domain/notification-events';

/** Longer reasons are cut: chat messages and e-mail subjects have limits, and the catalog keeps the full text. */
export const MAX_EVENT_ERROR_LENGTH = 1000;

/** Everything known about a job's final outcome, gathered by the listener from the catalog. */
export interface OutcomeFacts {
  queue: QueueName;
  status: 'completed' | 'failed';
  error?: string;
  execution: Pick<Execution, 'id' | 'trigger' | 'durationMs' | 'finishedAt' | 'backupId'>;
  backup: Pick<
    Backup,
    'id' | 'type' | 'filename' | 'sizeBytes' | 'encrypted' | 'checksum' | 'durationMs' | 'status' | 'error' | 'verificationStatus' | 'verificationError'
  > | null;
  /** The backup type named in the job data, for a backup that failed before its catalog row existed. */
  jobType?: BackupType | null;
  schedule: ScheduleRef | null;
  now: Date;
}

export interface NotificationPreferences {
  notifyOnSuccess: boolean;
  notifyOnFailure: boolean;
}

function cut(text: string | null | undefined): string | undefined {
  return text ? truncate(text, MAX_EVENT_ERROR_LENGTH) : undefined;
}

/**
 * Which event a final job outcome is, by queue: backup jobs by the backup row's
 * status; restores both ways; verification only when it found a problem (a
 * failed job, or a completed one that marked the backup as failed). Prune and
 * notify outcomes are never events — a failed notification must not notify.
 */
export function outcomeEventName(facts: Pick<OutcomeFacts, 'queue' | 'status' | 'backup'>): EventName | null {
  switch (facts.queue) {
    case 'backup':
      if (facts.status === 'failed') return 'backup.failed';
      return facts.backup?.status === 'completed_with_warnings' ? 'backup.completed_with_warnings' : 'backup.completed';
    case 'restore':
      return facts.status === 'completed' ? 'restore.completed' : 'restore.failed';
    case 'verify':
      return facts.status === 'failed' || facts.backup?.verificationStatus === 'failed' ? 'verify.failed' : null;
    default:
      return null;
  }
}

function jobFacts(facts: OutcomeFacts): JobFacts {
  return {
    executionId: facts.execution.id,
    trigger: facts.execution.trigger,
    backupId: facts.backup?.id ?? facts.execution.backupId ?? null,
    type: facts.backup?.type ?? facts.jobType ?? null,
    filename: facts.backup?.filename ?? null,
    durationMs: facts.execution.durationMs ?? null,
  };
}

/** Keys in wire order: the event's own facts, then `error` when there is one, then `timestamp`. */
function finish<T extends object>(head: T, error: string | undefined, timestamp: string) {
  return error === undefined ? { ...head, timestamp } : { ...head, error, timestamp };
}

/** The event to send for a final job outcome, or null when there is nothing to tell. */
export function outcomeToEvent(facts: OutcomeFacts): NotificationEvent | null {
  const name = outcomeEventName(facts);
  if (!name) return null;
  const timestamp = (facts.execution.finishedAt ?? facts.now).toISOString();
  if (name === 'backup.completed' || name === 'backup.completed_with_warnings' || name === 'backup.failed') {
    const backup = facts.backup;
    const type = backup?.type ?? facts.jobType;
    if (!type) return null;
    const failed = name === 'backup.failed';
    const backupFacts: BackupFacts = {
      type,
      filename: backup?.filename ?? null,
      fileSize: failed ? null : (backup?.sizeBytes ?? null),
      isEncrypted: backup?.encrypted ?? false,
      checksum: failed ? null : (backup?.checksum ?? null),
      durationMs: backup?.durationMs ?? facts.execution.durationMs ?? null,
    };
    const error = name === 'backup.completed' ? undefined : cut(facts.error ?? backup?.error);
    return finish({ event: name, backup: backupFacts, schedule: facts.schedule }, error, timestamp);
  }
  if (name === 'restore.completed' || name === 'restore.failed') {
    return finish({ event: name, restore: jobFacts(facts) }, name === 'restore.failed' ? cut(facts.error) : undefined, timestamp);
  }
  return finish({ event: 'verify.failed' as const, verify: jobFacts(facts) }, cut(facts.error ?? facts.backup?.verificationError), timestamp);
}

/**
 * Whether the operator asked for this event. Warnings go out when either switch
 * is on (the backup is usable, but someone should look); alerts and tests always.
 */
export function wantsEvent(event: NotificationEvent, preferences: NotificationPreferences): boolean {
  switch (event.event) {
    case 'backup.completed':
    case 'restore.completed':
      return preferences.notifyOnSuccess;
    case 'backup.failed':
    case 'restore.failed':
    case 'verify.failed':
      return preferences.notifyOnFailure;
    case 'backup.completed_with_warnings':
      return preferences.notifyOnSuccess || preferences.notifyOnFailure;
    default:
      return true;
  }
}
