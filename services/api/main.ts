import 'reflect-metadata';
import { loadConfigOrExit } from '../../shared/config';
import { configureLogging, createLogger } from '../../shared/logging';
import { redisReady } from '../../shared/queue/redis-connection';
import { createRuntime } from '../../shared/runtime/runtime';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  configureLogging({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const logger = createLogger('API');
  const runtime = await createRuntime(config, 'api');
  // The catalog wins: mirror it into the job schedulers (workers also do this at start and periodically).
  void redisReady(runtime.redis, 30_000)
    .then(() => runtime.scheduleMirror.reconcile())
    .then((r) => logger.info(`Job schedulers reconciled: ${r.upserted} created or updated, ${r.removed} removed, ${r.unchanged} unchanged`))
    .catch((err) => logger.warn(`Could not reconcile job schedulers at start (workers will retry): ${err instanceof Error ? err.message : String(err)}`));
  const server = createApp(runtime).listen(config.PORT, () => {
    logger.info(`API listening on :${config.PORT} (scheduler mode ${config.BACKUP_SCHEDULER_MODE}); Bull Board at /admin/queues`);
  });
  server.on('error', (err) => {
    logger.error(`API could not listen on :${config.PORT}: ${err.message}`);
    process.exit(1);
  });

  const stop = (signal: string) => {
    logger.info(`${signal}: closing the API`);
    server.close(() => void runtime.close().then(() => process.exit(0)));
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  createLogger('API').error(`API failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
