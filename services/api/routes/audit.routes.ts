import { Router } from 'express';
import type { AuditEntry } from '../../../shared/catalog/entities';
import type { AuditRepository } from '../../../shared/catalog/repositories';
import { ListAuditQuery } from '../dto/audit.dto';
import { parseDto } from '../dto/parse-dto';
import { presentPage } from '../presenters';

export function presentAuditEntry(entry: AuditEntry) {
  return {
    id: entry.id,
    occurredAt: entry.occurredAt,
    method: entry.method,
    path: entry.path,
    route: entry.route,
    targetIds: entry.targetIds,
    status: entry.status,
    outcome: entry.status < 400 ? 'success' : 'failure',
    errorCode: entry.errorCode,
    clientAddress: entry.clientAddress,
    actor: entry.actorKind ? { kind: entry.actorKind, id: entry.actorId } : null,
    durationMs: entry.durationMs,
  };
}

/** GET /api/audit — who changed what, newest first, with the page envelope of the other lists. */
export function auditRoutes(audit: AuditRepository): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const query = parseDto(ListAuditQuery, req.query);
    const page = await audit.list({
      page: query.page,
      pageSize: query.pageSize,
      method: query.method,
      pathPrefix: query.path,
      actor: query.actor,
      target: query.target,
      outcome: query.outcome,
      since: query.since,
      until: query.until,
    });
    res.json(presentPage(page, presentAuditEntry));
  });
  return router;
}
