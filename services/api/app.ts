import express, { Express } from 'express';
import type { Runtime } from '../../shared/runtime/runtime';
import { errorHandler, notFoundHandler } from './middleware/error-handler';
import { requestLog } from './middleware/request-log';
import { API_REGISTRY, ApiRegistry } from './registry/api-registry';
import { mountRoutes } from './registry/mount-routes';

function noSniff(_req: express.Request, res: express.Response, next: express.NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}

/** Builds the HTTP app without listening, so tests and main.ts share it. */
export function createApp(runtime: Runtime, registry: ApiRegistry = API_REGISTRY): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestLog);
  app.use(noSniff);
  mountRoutes(app, runtime, registry);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
