import type { Request, Response } from 'express';
import type { Runtime } from '../../../shared/runtime/runtime';
import { basicPassword, bearerToken, headerValue, keysMatch } from '../middleware/auth';

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
  accepts(req: Request, runtime: Runtime): boolean | Promise<boolean>;
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
      return !!expected && token !== undefined && keysMatch(token, expected);
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
      return !!expected && key !== undefined && keysMatch(key, expected);
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
      return password !== undefined && keysMatch(password, runtime.config.BACKUP_ADMIN_API_KEY);
    },
    challenge: (res) => res.setHeader('WWW-Authenticate', 'Basic realm="Kanbu Backup", charset="UTF-8"'),
  },
} satisfies Record<string, AuthScheme>;

export type AuthSchemeName = keyof typeof AUTH_SCHEMES;
