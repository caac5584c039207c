import { Router, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { Config, PublicUrl } from '../../../shared/config';
import { AppError, ErrorCode } from '../../../shared/errors';
import { SignInDto } from '../dto/session.dto';
import { parseDto } from '../dto/parse-dto';
import { keysMatch, requireAdmin } from '../middleware/auth';
import { actorOf, setActor } from '../middleware/actor';
import { RedisCounterStore } from '../session/redis-counter-store';
import { expectedOrigin, isCrossOriginBrowserRequest, sessionCookieOptions } from '../session/same-origin';
import { clearedSessionCookie, readSessionCookie, sessionCookie } from '../session/session-cookie';
import type { Session, SessionStore } from '../session/session-store';

export interface SessionRouteDeps {
  config: Config;
  redis: Redis;
  sessions: SessionStore;
  publicUrl: PublicUrl | undefined;
  json: RequestHandler;
}

function presentSession(session: Session) {
  return { id: session.id, createdAt: session.createdAt, expiresAt: session.expiresAt };
}

/**
 * Failed sign-ins per client address (trust-proxy aware), shared by every API process
 * through Redis; a successful sign-in does not count.
 */
function signInLimit(deps: SessionRouteDeps): RequestHandler {
  return rateLimit({
    windowMs: deps.config.BACKUP_SIGNIN_WINDOW_MINUTES * 60_000,
    limit: deps.config.BACKUP_SIGNIN_MAX_ATTEMPTS,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: new RedisCounterStore(deps.redis, `${deps.config.BACKUP_QUEUE_PREFIX}:sign-in-limit:`),
    handler: (_req, _res, next) =>
      next(new AppError(ErrorCode.RateLimited, 'Too many failed sign-ins from this address; wait and try again (see the Retry-After header)')),
  });
}

/**
 * Browser sign-in: `POST /api/session` takes the admin key once and answers with an
 * httpOnly, SameSite=Strict session cookie; `GET` tells whether the browser is signed in;
 * `DELETE` signs out.
 */
export function sessionRoutes(deps: SessionRouteDeps): Router {
  const router = Router();
  const ttlMs = deps.config.BACKUP_SESSION_TTL_HOURS * 3_600_000;

  router.post('/', deps.json, signInLimit(deps), async (req, res) => {
    // Cookie sessions are same-origin only: another site's page never gets one.
    if (isCrossOriginBrowserRequest(req.headers, expectedOrigin(req, deps.publicUrl))) {
      throw new AppError(ErrorCode.CrossOriginRefused, 'Sign in from the API origin itself; other sites call the API with Authorization: Bearer');
    }
    const body = parseDto(SignInDto, req.body);
    if (!keysMatch(body.key, deps.config.BACKUP_ADMIN_API_KEY)) throw new AppError(ErrorCode.Unauthorized, 'Invalid admin API key');
    const { token, session } = await deps.sessions.create(req.ip ?? '');
    setActor(req, { kind: 'session', id: session.id });
    res.setHeader('Set-Cookie', sessionCookie(token, ttlMs / 1000, sessionCookieOptions(req, deps.publicUrl)));
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(presentSession(session));
  });

  const signedIn = requireAdmin(() => deps.config.BACKUP_ADMIN_API_KEY, deps);

  router.get('/', signedIn, (req, res) => {
    const session = actorOf(req)?.session;
    if (!session) throw new AppError(ErrorCode.SessionNotFound, 'No browser session: this request was authenticated with the admin key');
    res.json(presentSession(session));
  });

  router.delete('/', signedIn, async (req, res) => {
    const token = readSessionCookie(req);
    if (token) await deps.sessions.destroy(token);
    res.setHeader('Set-Cookie', clearedSessionCookie(sessionCookieOptions(req, deps.publicUrl)));
    res.status(204).end();
  });

  return router;
}
