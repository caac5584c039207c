import express, { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Runtime } from '../../../shared/runtime/runtime';
import { parseDto } from '../dto/parse-dto';
import { requireAuth } from '../middleware/auth';
import { AUTH_SCHEMES } from './auth-schemes';
import type { ApiRegistry } from './api-registry';
import type { Reply, RouteDefinition } from './route-definition';

/** The success status a handler answers with when its reply names none: the route's only (or first) one. */
export function defaultStatus(route: RouteDefinition): number {
  return Math.min(...Object.keys(route.responses).map(Number));
}

async function send(res: Response, route: RouteDefinition, reply: Reply): Promise<void> {
  const status = reply.status ?? defaultStatus(route);
  res.status(status);
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.attachment) res.attachment(reply.attachment);
  if (reply.stream) {
    try {
      await pipeline(reply.stream, res);
    } catch (err) {
      reply.onStreamError?.(err);
    }
    return;
  }
  const contentType = route.responses[status]?.contentType;
  if (typeof reply.body === 'string') {
    if (contentType && !res.getHeader('Content-Type')) res.type(contentType);
    res.send(reply.body);
  } else if (reply.body === undefined) res.end();
  else res.json(reply.body);
}

/** Validates params, query and body with the route's DTOs, runs its handler and sends what it returns. */
function handle(route: RouteDefinition, runtime: Runtime): RequestHandler {
  return async (req: Request, res: Response) => {
    const params = route.params ? parseDto(route.params, req.params) : {};
    const query = route.query ? parseDto(route.query, req.query) : {};
    const body = route.body ? parseDto(route.body, req.body) : {};
    await send(res, route, await route.handler({ runtime, params, query, body, req }));
  };
}

function precondition(route: RouteDefinition, runtime: Runtime): RequestHandler[] {
  if (!route.precondition) return [];
  const check = route.precondition;
  return [
    (_req: Request, _res: Response, next: NextFunction) => {
      check(runtime);
      next();
    },
  ];
}

/** Mounts every route and sub-application of the registry; Express 5 forwards rejected promises to the error handler. */
export function mountRoutes(app: Express, runtime: Runtime, registry: ApiRegistry): void {
  const json = express.json({ limit: '100kb' });
  for (const route of registry.routes) {
    const auth = route.auth.length
      ? [
          requireAuth(
            route.auth.map((name) => AUTH_SCHEMES[name]),
            runtime,
          ),
        ]
      : [];
    // The body is read only for callers that passed authentication.
    app[route.method](route.path, ...precondition(route, runtime), ...auth, ...(route.body ? [json] : []), handle(route, runtime));
  }
  for (const mount of registry.mounts) {
    const auth = mount.auth.length
      ? [
          requireAuth(
            mount.auth.map((name) => AUTH_SCHEMES[name]),
            runtime,
          ),
        ]
      : [];
    app.use(mount.path, ...auth, mount.router(runtime));
  }
}
