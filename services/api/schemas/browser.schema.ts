import { Type } from '@sinclair/typebox';
import { JOB_EVENT_TYPES } from '../../../shared/queue/job-events';
import { ALL_QUEUES } from '../../../shared/queue/queue-names';
import { AUDITED_METHODS } from '../dto/audit.dto';
import { closed, DateTime, named, Nullable, StringEnum, Uuid } from './schema-helpers';

export const BrowserSession = named(
  'BrowserSession',
  closed({
    id: Type.String({ pattern: '^[0-9a-f]{12}$', description: 'Public id of the session, as the audit log names it' }),
    createdAt: DateTime,
    expiresAt: DateTime,
  }),
);

export const AuditEntry = named(
  'AuditEntry',
  closed({
    id: Uuid,
    occurredAt: DateTime,
    method: StringEnum(AUDITED_METHODS),
    path: Type.String({ description: 'The URL path as requested, without the query string' }),
    route: Type.String({ description: 'The path with ids replaced by `:id`, e.g. `/api/backups/:id/restore/confirm`' }),
    targetIds: Type.Array(Uuid, { description: 'Ids the request named (path) or created (`executionId`, a new `id`)' }),
    status: Type.Integer({ description: 'HTTP status of the answer; 499 when the client went away first' }),
    outcome: StringEnum(['success', 'failure'] as const),
    errorCode: Nullable(Type.String()),
    clientAddress: Type.String({ description: 'Client address (X-Forwarded-For when BACKUP_TRUST_PROXY trusts the proxy)' }),
    actor: Nullable(
      closed({
        kind: StringEnum(['session', 'key'] as const),
        id: Type.String({ description: 'Session id, or the first 12 hex digits of HMAC-SHA256 keyed by the key used (never the key)' }),
      }),
    ),
    durationMs: Type.Integer(),
  }),
);

export const JobEvent = named(
  'JobEvent',
  closed({
    type: StringEnum(JOB_EVENT_TYPES),
    queue: StringEnum(ALL_QUEUES),
    name: Type.String({ description: '`backup.database`, `restore.restore`, …' }),
    jobId: Nullable(Type.String()),
    executionId: Uuid,
    at: DateTime,
    attempt: Type.Optional(Type.Integer({ minimum: 1 })),
    progress: Type.Optional(
      closed({ stage: Type.String(), percent: Type.Number(), bytes: Type.Optional(Type.Integer()), totalBytes: Type.Optional(Type.Integer()) }),
    ),
    backupId: Type.Optional(Nullable(Uuid)),
    error: Type.Optional(Type.String({ description: 'The (redacted) reason of a failure' })),
  }),
);
