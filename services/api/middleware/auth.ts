import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { PublicUrl } from '../../../shared/config';
import { AppError, ErrorCode } from '../../../shared/errors';
import { keyFingerprint } from '../session/key-fingerprint';
import { expectedOrigin, isSameOriginRequest, SAFE_METHODS } from '../session/same-origin';
import { readSessionCookie } from '../session/session-cookie';
import type { Session, SessionStore } from '../session/session-store';
import { setActor } from './actor';

/** Constant-time comparison that also hides the expected key's length. */
export function keysMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function unauthorized(message: string): AppError {
  return new AppError(ErrorCode.Unauthorized, message);
}

// Names a client might try to pass a key under; they are never read, only named in the refusal.
const KEY_QUERY_NAMES = ['access_token', 'token', 'key', 'api_key', 'apikey'];

function missingCredentials(req: Request, what: string, alternative = ''): AppError {
  const inQuery = Object.keys((req.query as Record<string, unknown>) ?? {}).some((name) => KEY_QUERY_NAMES.includes(name.toLowerCase()));
  const hint = inQuery ? ' (keys are never accepted in the URL, where logs and browser history keep them)' : '';
  return unauthorized(`Missing ${what}: send Authorization: Bearer <key>${alternative}${hint}`);
}

/** `Authorization: Bearer <key>` against a configured key, or any of several (each compared, in constant time). */
export function requireBearer(expectedKey: () => string | undefined | readonly (string | undefined)[], what: string) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const expected = [expectedKey()].flat().filter((k): k is string => !!k);
    const token = bearerToken(req);
    if (!token) return next(missingCredentials(req, what));
    const matches = expected.map((key) => keysMatch(token, key));
    if (!matches.includes(true)) return next(unauthorized(`Invalid ${what}`));
    setActor(req, { kind: 'key', id: keyFingerprint(token) });
    next();
  };
}

export interface SessionAuthDeps {
  sessions: SessionStore;
  publicUrl: PublicUrl | undefined;
}

/**
 * The session of a request's cookie, or null without one. An unsafe request with a
 * cookie must come from our own origin (CSRF), whether or not the session is live.
 */
async function cookieSession(req: Request, deps: SessionAuthDeps): Promise<{ session: Session | null; hadCookie: boolean }> {
  const token = readSessionCookie(req);
  if (!token) return { session: null, hadCookie: false };
  if (!SAFE_METHODS.has(req.method) && !isSameOriginRequest(req.headers, expectedOrigin(req, deps.publicUrl))) {
    throw new AppError(
      ErrorCode.CrossOriginRefused,
      'A signed-in browser may change things only from the API origin itself; scripts and other sites use Authorization: Bearer',
    );
  }
  return { session: await deps.sessions.find(token), hadCookie: true };
}

/**
 * Every admin route: the admin key as Bearer (scripts, the Kanbu backend) or a browser
 * session cookie (same origin only). A present Authorization header is decisive: a wrong
 * key is refused even when a cookie is sent too.
 */
export function requireAdmin(adminKey: () => string, deps: SessionAuthDeps) {
  const bearer = requireBearer(adminKey, 'admin API key');
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.headers.authorization !== undefined) return bearer(req, res, next);
    const { session, hadCookie } = await cookieSession(req, deps);
    if (session) {
      setActor(req, { kind: 'session', id: session.id, session });
      return next();
    }
    if (hadCookie) return next(unauthorized('The session has expired or ended: sign in again (POST /api/session)'));
    next(missingCredentials(req, 'admin API key', ', or sign in with POST /api/session'));
  };
}

/** HTTP Basic with any user name and the admin key as password (or a Bearer key, or a session), so a browser can open Bull Board. */
export function requireBasicOrSession(expectedKey: () => string, realm: string, deps: SessionAuthDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    let password: string | undefined = bearerToken(req);
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      password = colon >= 0 ? decoded.slice(colon + 1) : undefined;
    }
    if (password !== undefined && keysMatch(password, expectedKey())) {
      setActor(req, { kind: 'key', id: keyFingerprint(password) });
      return next();
    }
    if (!header) {
      const { session } = await cookieSession(req, deps);
      if (session) {
        setActor(req, { kind: 'session', id: session.id });
        return next();
      }
    }
    res.setHeader('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    next(unauthorized('Authentication required: use the admin API key as password, or sign in'));
  };
}
