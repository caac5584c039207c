import type { Request, Response } from 'express';
import type { Runtime } from '../../../shared/runtime/runtime';
import type { Actor } from '../middleware/actor';
import { basicPassword, bearerToken, cookieSession, headerValue, keysMatch } from '../middleware/auth';
import { browserAccessOf } from '../session/browser-access';
import { keyFingerprint } from '../session/key-fingerprint';
import { SESSION_COOKIE, readSessionCookie } from '../session/session-cookie';

/** An OpenAPI security scheme object (3.1). */
export interface SecuritySchemeObject {
  type: 'http' | 'apiKey';
  scheme?: string;
  bearerFormat?: string;
  in?: 'cookie' | 'header' | 'query';
  name?: string;
  description: string;
}

/**
 * One way to authenticate. `accepts` compares in constant time; `challenge`
 * lets a scheme add a header (WWW-Authenticate) to its 401.
 */
export interface AuthScheme {
  openapi: SecuritySchemeObject;
  /** Named in the 401 message: "Missing <what>", "Invalid <what>". */
  what: string;
  /** How to send it, named in the 401 of a missing credential (`Authorization: Bearer <key>`). */
  hint?: string;
  /** Whether the request carries a credential of this kind at all. */
  present(req: Request): boolean;
  /** Who the request is when this scheme lets it in (the audit log's actor), else null. */
  accepts(req: Request, runtime: Runtime): Actor | null | Promise<Actor | null>;
  challenge?(res: Response): void;
}

function bearerScheme(what: string, key: (runtime: Runtime) => string | undefined, description: string): AuthScheme {
  return {
    what,
    hint: 'Authorization: Bearer <key>',
    openapi: { type: 'http', scheme: 'bearer', description },
    present: (req) => bearerToken(req) !== undefined,
    accepts: (req, runtime) => {
      const expected = key(runtime);
      const token = bearerToken(req);
      return expected && token !== undefined && keysMatch(token, expected) ? { kind: 'key', id: keyFingerprint(token) } : null;
    },
  };
}

const LEGACY_TRIGGER_HEADER = 'X-Backup-Key';

export const AUTH_SCHEMES = {
  adminKey: bearerScheme(
    'admin API key',
    (r) => r.config.BACKUP_ADMIN_API_KEY,
    '`Authorization: Bearer <BACKUP_ADMIN_API_KEY>`. Never accepted in a query string.',
  ),
  triggerKey: bearerScheme(
    'trigger API key',
    (r) => r.config.BACKUP_TRIGGER_API_KEY,
    '`Authorization: Bearer <BACKUP_TRIGGER_API_KEY>`: only POST /api/backup/trigger, for external schedulers.',
  ),
  // Kanbu's own trigger header, still sent by existing cron jobs; only the trigger route lists it.
  triggerKeyHeader: {
    what: 'trigger API key',
    hint: `${LEGACY_TRIGGER_HEADER}: <key>`,
    openapi: {
      type: 'apiKey',
      in: 'header',
      name: LEGACY_TRIGGER_HEADER,
      description:
        "`X-Backup-Key: <BACKUP_TRIGGER_API_KEY>`: Kanbu's header, kept for existing cron jobs on POST /api/backup/trigger only; prefer the Bearer header.",
    },
    present: (req) => headerValue(req, LEGACY_TRIGGER_HEADER) !== undefined,
    accepts: (req, runtime) => {
      const expected = runtime.config.BACKUP_TRIGGER_API_KEY;
      const key = headerValue(req, LEGACY_TRIGGER_HEADER);
      return expected && key !== undefined && keysMatch(key, expected) ? { kind: 'key', id: keyFingerprint(key) } : null;
    },
  },
  metricsToken: bearerScheme('metrics token', (r) => r.config.BACKUP_METRICS_TOKEN, '`Authorization: Bearer <BACKUP_METRICS_TOKEN>`: only GET /metrics.'),
  adminBasic: {
    what: 'admin API key',
    openapi: {
      type: 'http',
      scheme: 'basic',
      description: 'HTTP Basic with any user name and the admin API key as password, so a browser can open Bull Board.',
    },
    present: (req) => basicPassword(req) !== undefined,
    accepts: (req, runtime) => {
      const password = basicPassword(req);
      return password !== undefined && keysMatch(password, runtime.config.BACKUP_ADMIN_API_KEY) ? { kind: 'key', id: keyFingerprint(password) } : null;
    },
    challenge: (res) => res.setHeader('WWW-Authenticate', 'Basic realm="Kanbu Backup", charset="UTF-8"'),
  },
  session: {
    what: 'session',
    openapi: {
      type: 'apiKey',
      in: 'cookie',
      name: SESSION_COOKIE,
      description:
        "The httpOnly, SameSite=Strict session cookie that `POST /api/session` sets (docs/BROWSER.md). Same-origin only: a POST, PUT, PATCH or DELETE with it needs the API's own `Origin` (or `Sec-Fetch-Site: same-origin`), else `403 CROSS_ORIGIN_REFUSED`. Ends on sign-out, after BACKUP_SESSION_TTL_HOURS, and when the admin key changes.",
    },
    present: (req) => readSessionCookie(req) !== undefined,
    accepts: async (req, runtime) => {
      // A present Authorization header decides: a wrong key is refused even with a valid cookie.
      if (req.headers.authorization !== undefined) return null;
      const session = await cookieSession(req, browserAccessOf(runtime));
      return session ? { kind: 'session', id: session.id, session } : null;
    },
  },
} satisfies Record<string, AuthScheme>;

export type AuthSchemeName = keyof typeof AUTH_SCHEMES;
