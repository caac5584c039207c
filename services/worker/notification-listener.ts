import { createLogger, Logger } from '../../shared/logging';
import { announceOutcome } from '../../shared/notify/announce-outcome';
import type { Runtime } from '../../shared/runtime/runtime';
import { JobEventListener } from './job-event-listener';
import type { JobOutcome, JobOutcomeListener } from './job-runner';

/** Turns final job outcomes into notification events and queues them (see announceOutcome). */
export class NotificationListener implements JobOutcomeListener {
  constructor(
    private readonly runtime: Pick<Runtime, 'backups' | 'stats' | 'notifications'>,
    private readonly logger: Logger = createLogger('Notify'),
  ) {}

  async onOutcome(outcome: JobOutcome): Promise<void> {
    const queued = await announceOutcome(this.runtime, { ...outcome, request: outcome.job.data ?? {} });
    if (queued && queued.channels.length > 0) this.logger.info(`Queued ${queued.event} for ${queued.channels.join(', ')}`);
  }
}

/** The listeners every worker process registers: notifications, and the live event stream. */
export function createOutcomeListeners(runtime: Runtime): JobOutcomeListener[] {
  return [new NotificationListener(runtime), new JobEventListener(runtime.events, createLogger('Worker'))];
}
