import type { IncomingHttpHeaders } from 'node:http';
import type { Request } from 'express';
import type { PublicUrl } from '../../../shared/config';
import type { SessionCookieOptions } from './session-cookie';

export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origin browsers use for this API: BACKUP_PUBLIC_URL's, else the request's own (proxy headers when trusted). */
export function expectedOrigin(req: Request, publicUrl: PublicUrl | undefined): string {
  return publicUrl?.origin ?? `${req.protocol}://${req.host}`;
}

/**
 * The CSRF rule for cookie-authenticated unsafe requests: the browser's `Origin` must be
 * ours; without an `Origin`, `Sec-Fetch-Site: same-origin` must say so. Anything else
 * (another site, `Origin: null`, neither header) is refused.
 */
export function isSameOriginRequest(headers: IncomingHttpHeaders, expected: string): boolean {
  const origin = headers.origin;
  if (origin !== undefined) return origin === expected;
  return headers['sec-fetch-site'] === 'same-origin';
}

/** A browser told us it comes from elsewhere: an `Origin` that is not ours, or `Sec-Fetch-Site` other than same-origin/none. */
export function isCrossOriginBrowserRequest(headers: IncomingHttpHeaders, expected: string): boolean {
  if (headers.origin !== undefined) return headers.origin !== expected;
  const site = headers['sec-fetch-site'];
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}

export function sessionCookieOptions(req: Request, publicUrl: PublicUrl | undefined): SessionCookieOptions {
  return { secure: publicUrl ? publicUrl.secure : req.secure, path: publicUrl?.basePath || '/' };
}
