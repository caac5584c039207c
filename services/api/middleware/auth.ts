import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError, ErrorCode } from '../../../shared/errors';
import type { PublicUrl } from '../../../shared/config';
import type { Runtime } from '../../../shared/runtime/runtime';
import { expectedOrigin, isSameOriginRequest, SAFE_METHODS } from '../session/same-origin';
import { readSessionCookie } from '../session/session-cookie';
import type { Session, SessionStore } from '../session/session-store';
import { setActor } from './actor';
import type { AuthScheme } from '../registry/auth-schemes';

/** Constant-time comparison that also hides the expected key's length. */
export function keysMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** The value of a header sent once, trimmed; undefined when absent, empty or repeated. */
export function headerValue(req: Request, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The password of `Authorization: Basic`, whatever the user name. */
export function basicPassword(req: Request): string | undefined {
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}

// Names a client might try to pass a key under; they are never read, only named in the refusal.
const KEY_QUERY_NAMES = ['access_token', 'token', 'key', 'api_key', 'apikey'];

function keyInQueryHint(req: Request): string {
  const names = Object.keys((req.query as Record<string, unknown>) ?? {}).map((name) => name.toLowerCase());
  return names.some((name) => KEY_QUERY_NAMES.includes(name)) ? ' (keys are never accepted in the URL, where logs and browser history keep them)' : '';
}

/**
 * The live session of a request's cookie, or null without one (or with a dead one). An
 * unsafe request with a cookie must come from our own origin (CSRF), whether or not the
 * session is live: refused with 403 CROSS_ORIGIN_REFUSED before anything is done.
 */
export async function cookieSession(req: Request, access: { sessions: SessionStore; publicUrl: PublicUrl | undefined }): Promise<Session | null> {
  const token = readSessionCookie(req);
  if (!token) return null;
  if (!SAFE_METHODS.has(req.method) && !isSameOriginRequest(req.headers, expectedOrigin(req, access.publicUrl))) {
    throw new AppError(
      ErrorCode.CrossOriginRefused,
      'A signed-in browser may change things only from the API origin itself; scripts and other sites use Authorization: Bearer',
    );
  }
  return access.sessions.find(token);
}

/** Lets the request in when any of the schemes accepts it (and records who it is); otherwise a 401 naming what was expected. */
export function requireAuth(schemes: readonly AuthScheme[], runtime: Runtime) {
  const what = [...new Set(schemes.map((s) => s.what))].join(' or ');
  const hints = [...new Set(schemes.map((s) => s.hint))];
  const how = hints.every((h) => h !== undefined) ? `: send ${hints[0]}${hints.length > 1 ? ` (or ${hints.slice(1).join(' or ')})` : ''}` : '';
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      for (const scheme of schemes) {
        const actor = await scheme.accepts(req, runtime);
        if (actor) {
          setActor(req, actor);
          return next();
        }
      }
      for (const scheme of schemes) scheme.challenge?.(res);
      const presented = schemes.some((s) => s.present(req));
      const message = presented ? `Invalid or expired ${what}` : `Missing ${what}${how}${keyInQueryHint(req)}`;
      next(new AppError(ErrorCode.Unauthorized, message));
    } catch (err) {
      next(err);
    }
  };
}
