import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError, ErrorCode } from '../../../shared/errors';

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

/** `Authorization: Bearer <key>` against a configured key, or any of several (each compared, in constant time). */
export function requireBearer(expectedKey: () => string | undefined | readonly (string | undefined)[], what: string) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const expected = [expectedKey()].flat().filter((k): k is string => !!k);
    const token = bearerToken(req);
    if (!token) return next(unauthorized(`Missing ${what}: send Authorization: Bearer <key>`));
    const matches = expected.map((key) => keysMatch(token, key));
    if (!matches.includes(true)) return next(unauthorized(`Invalid ${what}`));
    next();
  };
}

/** HTTP Basic with any user name and the admin key as password, so a browser can open Bull Board. */
export function requireBasic(expectedKey: () => string, realm: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const bearer = bearerToken(req);
    let password: string | undefined = bearer;
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      password = colon >= 0 ? decoded.slice(colon + 1) : undefined;
    }
    if (password !== undefined && keysMatch(password, expectedKey())) return next();
    res.setHeader('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    next(unauthorized('Authentication required: use the admin API key as password'));
  };
}
