import { Type } from '@sinclair/typebox';
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError, ErrorCode } from '../../../shared/errors';
import type { Runtime } from '../../../shared/runtime/runtime';
import { SignInDto } from '../dto/session.dto';
import { actorOf, setActor } from '../middleware/actor';
import { keysMatch } from '../middleware/auth';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { BrowserSession } from '../schemas/browser.schema';
import { browserAccessOf } from '../session/browser-access';
import { RedisCounterStore } from '../session/redis-counter-store';
import { expectedOrigin, isCrossOriginBrowserRequest, sessionCookieOptions } from '../session/same-origin';
import { clearedSessionCookie, readSessionCookie, sessionCookie } from '../session/session-cookie';
import type { Session } from '../session/session-store';

function presentSession(session: Session) {
  return { id: session.id, createdAt: session.createdAt, expiresAt: session.expiresAt };
}

/**
 * Failed sign-ins per client address (trust-proxy aware), shared by every API process
 * through Redis; a successful sign-in does not count.
 */
function signInLimit(runtime: Runtime): RequestHandler {
  const { config } = runtime;
  return rateLimit({
    windowMs: config.BACKUP_SIGNIN_WINDOW_MINUTES * 60_000,
    limit: config.BACKUP_SIGNIN_MAX_ATTEMPTS,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: new RedisCounterStore(runtime.redis, `${config.BACKUP_QUEUE_PREFIX}:sign-in-limit:`),
    handler: (_req, _res, next) =>
      next(new AppError(ErrorCode.RateLimited, 'Too many failed sign-ins from this address; wait and try again (see the Retry-After header)')),
  });
}

const COOKIE_HEADER = {
  'Set-Cookie': {
    description: '`kanbu_backup_session=…; HttpOnly; SameSite=Strict; Path=<base path>; Max-Age=…` (+ `Secure` over HTTPS)',
    schema: Type.String(),
  },
};

/** Browser sign-in (docs/BROWSER.md): the admin key once, an httpOnly SameSite=Strict session cookie back. */
export const sessionRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'post',
    path: '/api/session',
    operationId: 'signIn',
    summary: 'Browser sign-in: the admin key once, a session cookie back',
    description:
      'Sets the session cookie (`session` scheme). Same-origin only: a request whose `Origin` (or `Sec-Fetch-Site`) says it comes from another site is refused. Failed attempts are limited per client address (BACKUP_SIGNIN_MAX_ATTEMPTS per BACKUP_SIGNIN_WINDOW_MINUTES).',
    tag: 'session',
    auth: [],
    body: SignInDto,
    before: (runtime) => [signInLimit(runtime)],
    responses: { 201: { description: 'Signed in', schema: BrowserSession, headers: COOKIE_HEADER } },
    errors: [ErrorCode.Unauthorized, ErrorCode.CrossOriginRefused, ErrorCode.RateLimited, ErrorCode.QueueUnavailable],
    handler: async ({ runtime, body, req }) => {
      const { sessions, publicUrl } = browserAccessOf(runtime);
      // Cookie sessions are same-origin only: another site's page never gets one.
      if (isCrossOriginBrowserRequest(req.headers, expectedOrigin(req, publicUrl))) {
        throw new AppError(ErrorCode.CrossOriginRefused, 'Sign in from the API origin itself; other sites call the API with Authorization: Bearer');
      }
      if (!keysMatch(body.key, runtime.config.BACKUP_ADMIN_API_KEY)) throw new AppError(ErrorCode.Unauthorized, 'Invalid admin API key');
      const { token, session } = await sessions.create(req.ip ?? '');
      setActor(req, { kind: 'session', id: session.id, session });
      const maxAgeSeconds = runtime.config.BACKUP_SESSION_TTL_HOURS * 3600;
      return {
        status: 201,
        body: presentSession(session),
        headers: { 'Set-Cookie': sessionCookie(token, maxAgeSeconds, sessionCookieOptions(req, publicUrl)), 'Cache-Control': 'no-store' },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/session',
    operationId: 'getSession',
    summary: 'The browser session of this request',
    tag: 'session',
    auth: ['adminKey', 'session'],
    responses: { 200: { description: 'Signed in', schema: BrowserSession } },
    errors: [ErrorCode.SessionNotFound],
    handler: ({ req }) => {
      const session = actorOf(req)?.session;
      if (!session) throw new AppError(ErrorCode.SessionNotFound, 'No browser session: this request was authenticated with the admin key');
      return { body: presentSession(session) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/session',
    operationId: 'signOut',
    summary: 'Sign out: the session ends on the server and the cookie is cleared',
    tag: 'session',
    auth: ['adminKey', 'session'],
    responses: { 204: { description: 'Signed out', headers: COOKIE_HEADER } },
    handler: async ({ runtime, req }) => {
      const { sessions, publicUrl } = browserAccessOf(runtime);
      const token = readSessionCookie(req);
      if (token) await sessions.destroy(token);
      return { status: 204, headers: { 'Set-Cookie': clearedSessionCookie(sessionCookieOptions(req, publicUrl)) } };
    },
  }),
];
