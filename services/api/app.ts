import express, { Express } from 'express';
import type { Runtime } from '../../shared/runtime/runtime';
import { parseOriginList, parsePublicUrl, parseTrustProxy } from '../../shared/config';
import { createLogger } from '../../shared/logging';
import { auditLog } from './middleware/audit-log';
import { requireAdmin, requireBasicOrSession, requireBearer } from './middleware/auth';
import { corsPolicy } from './middleware/cors-policy';
import { securityHeaders } from './middleware/security-headers';
import { auditRoutes } from './routes/audit.routes';
import { eventRoutes } from './routes/events.routes';
import { sessionRoutes } from './routes/session.routes';
import { SessionStore } from './session/session-store';
import { errorHandler, notFoundHandler } from './middleware/error-handler';
import { requestLog } from './middleware/request-log';
import { backupHealthRoutes } from './routes/backup-health.routes';
import { backupRoutes } from './routes/backups.routes';
import { BULL_BOARD_PATH, bullBoardRouter } from './routes/bull-board.routes';
import { executionRoutes } from './routes/executions.routes';
import { healthRoutes } from './routes/health.routes';
import { jobRoutes } from './routes/jobs.routes';
import { scheduleRoutes } from './routes/schedules.routes';
import { statusRoutes } from './routes/status.routes';
import { metricsRoutes } from './routes/metrics.routes';
import { notificationRoutes } from './routes/notifications.routes';
import { restoreRoutes, restoresRoutes } from './routes/restore.routes';
import { storageRoutes } from './routes/storage.routes';
import { triggerRoutes } from './routes/trigger.routes';
import { verificationRoutes } from './routes/verification.routes';

/** Builds the HTTP app without listening, so tests and main.ts share it. */
export function createApp(runtime: Runtime): Express {
  const { config } = runtime;
  const publicUrl = config.BACKUP_PUBLIC_URL ? parsePublicUrl(config.BACKUP_PUBLIC_URL) : undefined;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', parseTrustProxy(config.BACKUP_TRUST_PROXY) ?? false);
  app.use(requestLog);
  app.use(securityHeaders(publicUrl));
  app.use('/api', corsPolicy(parseOriginList(config.BACKUP_CORS_ORIGINS)));
  app.use(auditLog({ audit: runtime.audit, logger: createLogger('API') }));

  app.use(healthRoutes(runtime));

  const json = express.json({ limit: '100kb' });
  app.use('/api/backup/trigger', triggerRoutes(runtime, json));

  const adminKey = () => config.BACKUP_ADMIN_API_KEY;
  const sessions = new SessionStore({ redis: runtime.redis, prefix: config.BACKUP_QUEUE_PREFIX, ttlMs: config.BACKUP_SESSION_TTL_HOURS * 3_600_000, adminKey });
  const browser = { sessions, publicUrl };
  app.use('/api/session', sessionRoutes({ config, redis: runtime.redis, sessions, publicUrl, json }));
  const admin = requireAdmin(adminKey, browser);
  app.use('/api/backups', admin, json, verificationRoutes(runtime), restoreRoutes(runtime), backupRoutes(runtime));
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
  app.use('/api/storage', admin, storageRoutes(runtime));
  app.use('/api/audit', admin, auditRoutes(runtime.audit));
  app.use('/api/events', admin, eventRoutes({ redis: runtime.redis, events: runtime.events, heartbeatMs: config.BACKUP_EVENTS_HEARTBEAT_SECONDS * 1000 }));

  app.use(BULL_BOARD_PATH, requireBasicOrSession(adminKey, 'Kanbu Backup', browser), bullBoardRouter(runtime.queues));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
