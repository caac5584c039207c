import type { Execution } from '../catalog/entities';
import { BACKUP_TYPES, BackupType } from '../domain/types';
import type { QueueName } from '../queue/queue-names';
import type { BackupRepository, CatalogStatsRepository } from '../catalog/repositories';
import type { NotificationDispatcher } from './notification-dispatcher';
import type { NotificationEvent } from '../domain/notification-events';
import { outcomeToEvent } from './outcome-events';

/** Queues whose final outcomes can be events; never `notify` itself, so a failed notification cannot loop. */
const NOTIFYING_QUEUES: readonly QueueName[] = ['backup', 'restore', 'verify'];

export interface AnnounceDeps {
  backups: Pick<BackupRepository, 'findById'>;
  stats: Pick<CatalogStatsRepository, 'scheduleRef'>;
  notifications: Pick<NotificationDispatcher, 'publish'>;
}

/** A finished run, from a worker's job or a CLI command run in-process. */
export interface FinishedRun {
  queue: QueueName;
  status: 'completed' | 'failed';
  error?: string;
  execution: Execution;
  /** What the run was asked to do (a job's data): its backup type, its backup, an action. */
  request: { type?: unknown; backupId?: unknown; action?: unknown };
}

function isBackupType(value: unknown): value is BackupType {
  return typeof value === 'string' && (BACKUP_TYPES as readonly string[]).includes(value);
}

/**
 * Turns a final outcome into its notification event, if any, and queues it. It
 * only reads the catalog and enqueues, so a slow or dead receiver never holds up
 * the run that produced the event. Returns what was queued.
 */
export async function announceOutcome(deps: AnnounceDeps, run: FinishedRun): Promise<{ event: NotificationEvent['event']; channels: string[] } | null> {
  if (!NOTIFYING_QUEUES.includes(run.queue)) return null;
  // Dropping the database a restore kept is housekeeping, not a restore.
  if (run.queue === 'restore' && run.request.action === 'drop-previous') return null;
  // A run that took no backup (its slot was backed up already, its schedule is disabled) is no
  // backup.completed: it must not double the event, nor feed the heartbeat.
  if (run.queue === 'backup' && run.status === 'completed' && run.execution.details?.skipped) return null;
  const backupId = run.execution.backupId ?? (typeof run.request.backupId === 'string' ? run.request.backupId : null);
  const backup = backupId ? await deps.backups.findById(backupId) : null;
  const scheduleId = backup?.scheduleId ?? run.execution.scheduleId;
  const event = outcomeToEvent({
    queue: run.queue,
    status: run.status,
    error: run.error,
    execution: run.execution,
    backup,
    jobType: isBackupType(run.request.type) ? run.request.type : null,
    schedule: scheduleId ? await deps.stats.scheduleRef(scheduleId) : null,
    now: new Date(),
  });
  if (!event) return null;
  const queued = await deps.notifications.publish(event);
  return { event: event.event, channels: queued.map((q) => q.channel) };
}
