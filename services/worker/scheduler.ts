import { errorMessage } from '../../shared/errors';
import { createLogger } from '../../shared/logging';
import type { Runtime } from '../../shared/runtime/runtime';

const logger = createLogger('Scheduler');

export interface SchedulerLoop {
  stop(): void;
}

/**
 * Keeps the BullMQ job schedulers mirroring the catalog: reconciles at start
 * and then every BACKUP_SCHEDULER_RECONCILE_SECONDS, so a Redis flush, a lost
 * scheduler or a change made while Redis was away heals without a restart.
 * Failures are logged and retried on the next round; they never stop the worker.
 */
export function startSchedulerLoop(runtime: Pick<Runtime, 'scheduleMirror' | 'config'>): SchedulerLoop {
  let running: Promise<unknown> | null = null;
  const round = () => {
    if (running) return;
    running = runtime.scheduleMirror
      .reconcile()
      .then((report) => {
        if (report.upserted || report.removed)
          logger.info(`Job schedulers reconciled: ${report.upserted} created or updated, ${report.removed} removed, ${report.unchanged} unchanged`);
      })
      .catch((err) => logger.warn(`Could not reconcile job schedulers (will try again): ${errorMessage(err)}`))
      .finally(() => (running = null));
  };
  round();
  const timer = setInterval(round, runtime.config.BACKUP_SCHEDULER_RECONCILE_SECONDS * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
