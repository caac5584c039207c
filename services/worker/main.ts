import 'reflect-metadata';
import { loadConfigOrExit } from '../../shared/config';
import { errorMessage } from '../../shared/errors';
import { withTimeout } from '../../shared/util/with-timeout';
import { configureLogging, createLogger } from '../../shared/logging';
import type { QueueName } from '../../shared/queue/queue-names';
import { recoverIfFree, startRecoveryLoop } from '../../shared/jobs/restore/recover-database';
import { createRuntime } from '../../shared/runtime/runtime';
import { reconcileAlertSchedule } from './alert-schedule';
import { createOutcomeListeners } from './notification-listener';
import { PROCESSORS } from './processors';
import { selectQueues } from './queue-selection';
import { startSchedulerLoop } from './scheduler';
import { reconcileVerifySchedule } from './verify-schedule';
import { startWorkers } from './worker-pool';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  configureLogging({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const logger = createLogger('Worker');
  const queues = selectQueues(config.WORKER_QUEUES, Object.keys(PROCESSORS) as QueueName[]);
  const runtime = await createRuntime(config, 'worker');
  // Before taking jobs: a restore swap a dead run left unfinished is settled (unless its database is locked).
  const recoveryLogger = createLogger('Restore');
  const recovered = await recoverIfFree(runtime, recoveryLogger);
  if (recovered === 'busy') logger.info('An unfinished restore swap is waiting for its database lock; checking again periodically');
  const recovery = startRecoveryLoop(runtime, recoveryLogger, config.BACKUP_RECOVERY_INTERVAL_SECONDS * 1000);
  const pool = startWorkers(runtime, queues, createOutcomeListeners(runtime));
  const scheduler = startSchedulerLoop(runtime);
  if (queues.includes('notify')) {
    const alerts = await reconcileAlertSchedule(runtime.queues.get('notify'), config.BACKUP_ALERT_INTERVAL_MINUTES);
    logger.info(alerts === 'scheduled' ? `Alert evaluation every ${config.BACKUP_ALERT_INTERVAL_MINUTES} min` : 'Alert evaluation is off');
  }
  if (queues.includes('verify')) {
    const verify = await reconcileVerifySchedule(
      runtime.queues.get('verify'),
      config.BACKUP_VERIFY_CRON,
      config.BACKUP_CRON_TIMEZONE,
      config.BACKUP_VERIFY_MODE,
    );
    if (verify === 'scheduled') logger.info(`Scheduled verification (${config.BACKUP_VERIFY_MODE}) of the newest backup: ${config.BACKUP_VERIFY_CRON}`);
  }
  logger.info(`Worker ${process.pid} consuming ${queues.join(', ')} (concurrency ${config.WORKER_CONCURRENCY})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const graceMs = config.WORKER_SHUTDOWN_GRACE_SECONDS * 1000;
    logger.info(`${signal}: finishing active jobs (up to ${config.WORKER_SHUTDOWN_GRACE_SECONDS} s), then exiting`);
    scheduler.stop();
    recovery.stop();
    const outcome = await pool.shutdown(graceMs);
    if (outcome === 'aborted') logger.warn(`Shutdown grace of ${config.WORKER_SHUTDOWN_GRACE_SECONDS} s over: active jobs were aborted`);
    // Redis or the catalog may be away: closing them must not keep the process alive.
    await withTimeout(runtime.close(), 5000).catch((err) => logger.warn(`Could not close connections cleanly: ${errorMessage(err)}`));
    process.exit(outcome === 'drained' ? 0 : 1);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  createLogger('Worker').error(`Worker failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
