import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuditRepository, NewAuditEntry } from '../../../shared/catalog/repositories';
import { errorMessage } from '../../../shared/errors';
import type { Logger } from '../../../shared/logging';
import { actorOf } from './actor';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const UUID_EXACT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids a request named in its path, and the ids it created (`executionId`, a new resource's `id`). */
export function auditTargets(path: string, answer: unknown): string[] {
  const ids: string[] = [...(path.match(UUID) ?? [])];
  if (answer && typeof answer === 'object') {
    for (const field of ['id', 'executionId'] as const) {
      const value = (answer as Record<string, unknown>)[field];
      if (typeof value === 'string' && UUID_EXACT.test(value)) ids.push(value);
    }
  }
  return [...new Set(ids.map((id) => id.toLowerCase()))];
}

/** `/api/backups/<uuid>/restore` → `/api/backups/:id/restore`. */
export function auditRoute(path: string): string {
  return path.replace(UUID, ':id');
}

function errorCodeOf(answer: unknown): string | null {
  const code = (answer as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code.slice(0, 64) : null;
}

/**
 * Records every mutating request once it is answered (or abandoned): method, path,
 * targets, status and error code, client address (trust-proxy aware) and actor. The
 * answer is peeked at only for ids and the error code. A failed write is logged as an
 * error; it never changes the answer already sent.
 */
export function auditLog(deps: { audit: AuditRepository; logger: Logger }): RequestHandler {
  return function auditLog(req: Request, res: Response, next: NextFunction) {
    if (!MUTATING.has(req.method)) return next();
    const started = Date.now();
    const path = req.path.slice(0, 2048);
    let answer: unknown;
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      answer = body;
      return json(body);
    };
    res.once('close', () => {
      const actor = actorOf(req);
      const entry: NewAuditEntry = {
        occurredAt: new Date(started),
        method: req.method,
        path,
        route: auditRoute(path),
        targetIds: auditTargets(path, answer),
        // 499: the client went away before an answer was sent.
        status: res.headersSent ? res.statusCode : 499,
        errorCode: errorCodeOf(answer),
        clientAddress: (req.ip ?? '').slice(0, 64),
        actorKind: actor?.kind ?? null,
        actorId: actor?.id ?? null,
        durationMs: Date.now() - started,
      };
      deps.audit.record(entry).catch((err) => deps.logger.error(`Could not write the audit entry of ${req.method} ${path}: ${errorMessage(err)}`));
    });
    next();
  };
}
