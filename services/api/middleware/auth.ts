import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError, ErrorCode } from '../../../shared/errors';
import type { Runtime } from '../../../shared/runtime/runtime';
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

/** The password of `Authorization: Basic`, whatever the user name. */
export function basicPassword(req: Request): string | undefined {
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}

/** Lets the request in when any of the schemes accepts it; otherwise a 401 naming what was expected. */
export function requireAuth(schemes: readonly AuthScheme[], runtime: Runtime) {
  const what = [...new Set(schemes.map((s) => s.what))].join(' or ');
  const bearerOnly = schemes.every((s) => s.openapi.scheme === 'bearer');
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      for (const scheme of schemes) if (await scheme.accepts(req, runtime)) return next();
      for (const scheme of schemes) scheme.challenge?.(res);
      const presented = schemes.some((s) => s.present(req));
      const message = presented ? `Invalid ${what}` : `Missing ${what}${bearerOnly ? ': send Authorization: Bearer <key>' : ''}`;
      next(new AppError(ErrorCode.Unauthorized, message));
    } catch (err) {
      next(err);
    }
  };
}
