import express, { Express } from 'express';
import type { Runtime } from '../../shared/runtime/runtime';
import { parseOriginList, parseTrustProxy } from '../../shared/config';
import { createLogger } from '../../shared/logging';
import { auditLog } from './middleware/audit-log';
import { corsPolicy } from './middleware/cors-policy';
import { errorHandler, notFoundHandler } from './middleware/error-handler';
import { securityHeaders } from './middleware/security-headers';
import { browserAccessOf } from './session/browser-access';
import { requestLog } from './middleware/request-log';
import { API_REGISTRY, ApiRegistry } from './registry/api-registry';
import { mountRoutes } from './registry/mount-routes';

/** Builds the HTTP app without listening, so tests and main.ts share it. */
export function createApp(runtime: Runtime, registry: ApiRegistry = API_REGISTRY): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', parseTrustProxy(runtime.config.BACKUP_TRUST_PROXY) ?? false);
  app.use(requestLog);
  app.use(securityHeaders(browserAccessOf(runtime).publicUrl));
  app.use(corsPolicy(parseOriginList(runtime.config.BACKUP_CORS_ORIGINS)));
  app.use(auditLog({ audit: runtime.audit, logger: createLogger('API') }));
  mountRoutes(app, runtime, registry);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
