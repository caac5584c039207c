import express, { Express } from 'express';
import type { Runtime } from '../../shared/runtime/runtime';
import { requireBasic, requireBearer } from './middleware/auth';
import { errorHandler, notFoundHandler } from './middleware/error-handler';
import { requestLog } from './middleware/request-log';
import { backupHealthRoutes } from './routes/backup-health.routes';
import { backupRoutes } from './routes/backups.routes';
import { bulkDeleteRoutes } from './routes/bulk-delete.routes';
import { BULL_BOARD_PATH, bullBoardRouter } from './routes/bull-board.routes';
import { executionRoutes } from './routes/executions.routes';
import { healthRoutes } from './routes/health.routes';
import { jobRoutes } from './routes/jobs.routes';
import { scheduleRoutes } from './routes/schedules.routes';
import { statusRoutes } from './routes/status.routes';
import { metricsRoutes } from './routes/metrics.routes';
import { notificationRoutes } from './routes/notifications.routes';
import { restoreRoutes, restoresRoutes } from './routes/restore.routes';
import { storageImportRoutes } from './routes/storage-import.routes';
import { storageRoutes } from './routes/storage.routes';
import { triggerRoutes } from './routes/trigger.routes';
import { verificationRoutes } from './routes/verification.routes';

/** Builds the HTTP app without listening, so tests and main.ts share it. */
export function createApp(runtime: Runtime): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestLog);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });

  app.use(healthRoutes(runtime));

  const json = express.json({ limit: '100kb' });
  app.use('/api/backup/trigger', triggerRoutes(runtime, json));

  const admin = requireBearer(() => runtime.config.BACKUP_ADMIN_API_KEY, 'admin API key');
  app.use('/api/backups', admin, json, bulkDeleteRoutes(runtime), verificationRoutes(runtime), restoreRoutes(runtime), backupRoutes(runtime));
  app.use('/api/restores', admin, restoresRoutes(runtime));
  app.use('/api/executions', admin, executionRoutes(runtime));
  app.use('/api/jobs', admin, jobRoutes(runtime));
  app.use('/api/schedules', admin, json, scheduleRoutes(runtime));
  app.use('/api/status', admin, statusRoutes(runtime));
  app.use('/api/notifications', admin, json, notificationRoutes(runtime));
  app.use('/api/health', admin, backupHealthRoutes(runtime));
  // A Prometheus scraper may hold the narrower metrics token instead of the admin key.
  const metricsAuth = requireBearer(() => [runtime.config.BACKUP_METRICS_TOKEN, runtime.config.BACKUP_ADMIN_API_KEY], 'metrics token or admin API key');
  app.use('/metrics', metricsAuth, metricsRoutes(runtime));
  app.use('/api/storage', admin, storageImportRoutes(runtime, json), storageRoutes(runtime));

  app.use(
    BULL_BOARD_PATH,
    requireBasic(() => runtime.config.BACKUP_ADMIN_API_KEY, 'Kanbu Backup'),
    bullBoardRouter(runtime.queues),
  );

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
