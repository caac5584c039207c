import type { Request, Response } from 'express';
import type { Runtime } from '../../../shared/runtime/runtime';
import { basicPassword, bearerToken, keysMatch } from '../middleware/auth';

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
  /** Whether the request carries a credential of this kind at all. */
  present(req: Request): boolean;
  accepts(req: Request, runtime: Runtime): boolean | Promise<boolean>;
  challenge?(res: Response): void;
}

function bearerScheme(what: string, key: (runtime: Runtime) => string | undefined, description: string): AuthScheme {
  return {
    what,
    openapi: { type: 'http', scheme: 'bearer', description },
    present: (req) => bearerToken(req) !== undefined,
    accepts: (req, runtime) => {
      const expected = key(runtime);
      const token = bearerToken(req);
      return !!expected && token !== undefined && keysMatch(token, expected);
    },
  };
}

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
