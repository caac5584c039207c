import type { AuditEntry as AuditRow } from '../../../shared/catalog/entities';
import { ListAuditQuery } from '../dto/audit.dto';
import { presentPage } from '../presenters';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { AuditEntry } from '../schemas/browser.schema';
import { pageOf } from '../schemas/page.schema';

export function presentAuditEntry(entry: AuditRow) {
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

export const auditRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/api/audit',
    operationId: 'listAuditEntries',
    summary: 'The audit log: every mutating request and sign-in, newest first',
    description:
      'Who changed what: method, route, target ids, outcome, client address and actor (a session id or the fingerprint of the key; never a key). `path` filters by prefix; `since`/`until` are ISO 8601 times.',
    tag: 'audit',
    auth: ['adminKey', 'session'],
    query: ListAuditQuery,
    responses: { 200: { description: 'A page of audit entries', schema: pageOf('AuditEntryPage', AuditEntry) } },
    handler: async ({ runtime, query }) => {
      const page = await runtime.audit.list({
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
      return { body: presentPage(page, presentAuditEntry) };
    },
  }),
];
