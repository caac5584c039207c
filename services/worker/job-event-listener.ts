import { errorMessage } from '../../shared/errors';
import type { Logger } from '../../shared/logging';
import { redact } from '../../shared/logging/redact';
import type { JobEvent, JobEventLog } from '../../shared/queue/job-events';
import type { QueueName } from '../../shared/queue/queue-names';
import type { JobActivity, JobOutcome, JobOutcomeListener } from './job-runner';

const STREAMED: ReadonlySet<QueueName> = new Set(['backup', 'restore', 'verify', 'prune']);

/** Feeds GET /api/events: starts, progress steps and outcomes of backup, restore, verify and prune jobs. */
export class JobEventListener implements JobOutcomeListener {
  constructor(
    private readonly events: JobEventLog,
    private readonly logger: Logger,
  ) {}

  onActivity(activity: JobActivity): void {
    if (!STREAMED.has(activity.queue)) return;
    const event = this.base(activity, activity.type);
    if (activity.type === 'started') event.attempt = activity.job.attemptsMade + 1;
    if (activity.progress) event.progress = activity.progress;
    this.events.publish(event).catch((err) => this.logger.warn(`Could not publish a job event: ${errorMessage(err)}`));
  }

  async onOutcome(outcome: JobOutcome): Promise<void> {
    if (!STREAMED.has(outcome.queue)) return;
    const event = this.base(outcome, outcome.status);
    event.backupId = outcome.execution.backupId;
    if (outcome.error !== undefined) event.error = redact(outcome.error);
    await this.events.publish(event);
  }

  private base(from: Pick<JobOutcome, 'queue' | 'job' | 'execution'>, type: JobEvent['type']): JobEvent {
    return {
      type,
      queue: from.queue,
      name: from.job.name,
      jobId: from.job.id ?? null,
      executionId: from.execution.id,
      at: new Date().toISOString(),
    };
  }
}
