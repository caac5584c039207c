import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * Listed origins (BACKUP_CORS_ORIGINS, e.g. the Kanbu web app) may call the API with an
 * Authorization header; credentials (cookies) are never allowed cross-origin, so a
 * session stays usable only on our own origin. Unlisted origins get no CORS headers at
 * all, and their preflights fall through to the (refusing) routes.
 */
export function corsPolicy(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  const options: cors.CorsOptions = {
    origin: true,
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
    exposedHeaders: ['Content-Disposition', 'Content-Length', 'Retry-After', 'X-Backup-SHA256', 'X-Backup-Verified', 'X-Backup-Storage', 'X-Backup-Copy'],
    maxAge: 600,
  };
  const policy = cors((req, callback) => {
    const origin = req.headers.origin;
    callback(null, origin !== undefined && allowed.has(origin) ? options : { origin: false });
  });
  return function corsPolicy(req, res, next) {
    if (!req.path.startsWith('/api/') || allowed.size === 0) return next();
    // Answers differ by Origin: caches must not hand one origin's answer to another.
    res.vary('Origin');
    policy(req, res, next);
  };
}
