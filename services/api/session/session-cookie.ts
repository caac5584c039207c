import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request } from 'express';

export const SESSION_COOKIE = 'kanbu_backup_session';

export interface SessionCookieOptions {
  /** Set when browsers reach the API over HTTPS (BACKUP_PUBLIC_URL, or the request itself). */
  secure: boolean;
  /** The public base path, so the cookie goes only to this API. */
  path: string;
}

export function readSessionCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const value = parseCookie(header)[SESSION_COOKIE];
  return value && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
}

/** httpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure over HTTPS. */
export function sessionCookie(token: string, maxAgeSeconds: number, options: SessionCookieOptions): string {
  return stringifySetCookie({
    name: SESSION_COOKIE,
    value: token,
    httpOnly: true,
    sameSite: 'strict',
    secure: options.secure,
    path: options.path,
    maxAge: Math.max(1, Math.floor(maxAgeSeconds)),
  });
}

export function clearedSessionCookie(options: SessionCookieOptions): string {
  return stringifySetCookie({ name: SESSION_COOKIE, value: '', httpOnly: true, sameSite: 'strict', secure: options.secure, path: options.path, maxAge: 0 });
}
