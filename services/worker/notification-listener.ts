import { BACKUP_TYPES, BackupType } from '../../shared/domain/types';
import { createLogger, Logger } from '../../shared/logging';
import { outcomeToEvent } from '../../shared/notify/outcome-events';
import type { QueueName } from '../../shared/queue/queue-names';
import type { Runtime } from '../../shared/runtime/runtime';
import type { JobOutcome, JobOutcomeListener } from './job-runner';

/** Queues whose final outcomes can be events; never `notify` itself, so a failed notification cannot loop. */
const NOTIFYING_QUEUES: readonly QueueName[] = ['backup', 'restore', 'verify'];

interface OutcomeJobData {
  type?: unknown;
  backupId?: unknown;
  action?: unknown;
}

function isBackupType(value: unknown): value is BackupType {
  return typeof value === 'string' && (BACKUP_TYPES as readonly string[]).includes(value);
}

/**
 * Turns final job outcomes into notification events and queues them. It only
 * reads the catalog and enqueues, so a slow or dead receiver never holds up the
 * job that produced the event.
 */
export class NotificationListener implements JobOutcomeListener {
  constructor(
    private readonly runtime: Pick<Runtime, 'backups' | 'stats' | 'notifications'>,
    private readonly logger: Logger = createLogger('Notify'),
  ) {}

  async onOutcome(outcome: JobOutcome): Promise<void> {
    if (!NOTIFYING_QUEUES.includes(outcome.queue)) return;
    const data = (outcome.job.data ?? {}) as OutcomeJobData;
    // Dropping the database a restore kept is housekeeping, not a restore.
    if (outcome.queue === 'restore' && data.action === 'drop-previous') return;
    const backupId = outcome.execution.backupId ?? (typeof data.backupId === 'string' ? data.backupId : null);
    const backup = backupId ? await this.runtime.backups.findById(backupId) : null;
    const scheduleId = backup?.scheduleId ?? outcome.execution.scheduleId;
    const event = outcomeToEvent({
      queue: outcome.queue,
      status: outcome.status,
      error: outcome.error,
      execution: outcome.execution,
      backup,
      jobType: isBackupType(data.type) ? data.type : null,
      schedule: scheduleId ? await this.runtime.stats.scheduleRef(scheduleId) : null,
      now: new Date(),
    });
    if (!event) return;
    const queued = await this.runtime.notifications.publish(event);
    if (queued.length > 0) this.logger.info(`Queued ${event.event} for ${queued.map((q) => q.channel).join(', ')}`);
  }
}

/** The listeners every worker process registers. */
export function createOutcomeListeners(runtime: Runtime): JobOutcomeListener[] {
  return [new NotificationListener(runtime)];
}
