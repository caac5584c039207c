import { Type } from '@sinclair/typebox';
import { closed, DateTime, named, Nullable, StringEnum, Uuid } from './schema-helpers';
import { Execution } from './job.schema';
import { Schedule } from './schedule.schema';

const nullableBytes = Nullable(Type.Number());

export const StorageTarget = named(
  'StorageTarget',
  closed({
    name: Type.String(),
    kind: Type.String({ description: 'local, s3, gdrive, …' }),
    role: StringEnum(['primary', 'replica'] as const),
    location: Type.String({ description: 'Path or bucket URL; never credentials' }),
    reachable: Type.Boolean(),
    error: Nullable(Type.String()),
    usedBytes: nullableBytes,
    freeBytes: nullableBytes,
    totalBytes: nullableBytes,
    objectCount: Nullable(Type.Integer()),
    backupCount: Type.Integer(),
  }),
);

export const StorageReport = named('StorageReport', closed({ targets: Type.Array(StorageTarget), requireAllCopies: Type.Boolean() }));

const TargetUsage = closed({
  target: Type.String(),
  location: Type.String(),
  usedBytes: nullableBytes,
  freeBytes: nullableBytes,
  totalBytes: nullableBytes,
  objectCount: Nullable(Type.Integer()),
  usedPercent: Nullable(Type.Number()),
  error: Nullable(Type.String()),
});

const lastSuccessful = Nullable(
  closed({
    id: Uuid,
    filename: Type.String(),
    completedAt: Nullable(DateTime),
    ageHours: Nullable(Type.Number()),
    sizeBytes: nullableBytes,
    durationMs: Nullable(Type.Number()),
    isEncrypted: Type.Boolean(),
  }),
);
const trendPoint = closed({ id: Uuid, filename: Type.String(), completedAt: Nullable(DateTime), sizeBytes: nullableBytes });

export const BackupHealth = named(
  'BackupHealth',
  closed({
    status: StringEnum(['ok', 'warning', 'critical'] as const),
    generatedAt: DateTime,
    lastSuccessful: closed({ database: lastSuccessful, source: lastSuccessful }),
    sizeTrend: closed({ database: Type.Array(trendPoint), source: Type.Array(trendPoint) }),
    storage: Type.Array(TargetUsage),
    failures: closed({
      windowDays: Type.Integer(),
      since: DateTime,
      total: Type.Integer(),
      byKind: Type.Record(Type.String(), Type.Integer()),
      recent: Type.Array(
        closed({ executionId: Uuid, kind: Type.String(), trigger: Type.String(), finishedAt: Nullable(DateTime), error: Nullable(Type.String()) }),
      ),
    }),
    verification: closed({
      counts: Type.Record(Type.String(), Type.Integer()),
      lastVerifiedAt: Nullable(DateTime),
      lastFailure: Nullable(closed({ backupId: Uuid, filename: Type.String(), verifiedAt: Nullable(DateTime), error: Nullable(Type.String()) })),
    }),
    alerts: Type.Array(
      closed({
        id: Uuid,
        kind: Type.String(),
        subject: Type.String(),
        message: Type.String(),
        since: DateTime,
        lastSeenAt: DateTime,
        notified: Type.Boolean(),
      }),
    ),
  }),
);

const QueueCounts = Type.Record(Type.String(), Type.Integer(), { description: 'Jobs per state: waiting, active, delayed, prioritized, failed, completed' });

export const ScheduleStatus = named(
  'ScheduleStatus',
  closed({
    ...Schedule.properties,
    mirrored: Type.Boolean({ description: 'Whether a BullMQ job scheduler runs it inside the workers' }),
    lastRun: Nullable(Execution),
    lastSuccessAt: Nullable(DateTime),
    nextRunAt: Nullable(DateTime),
  }),
);

export const SystemInfo = named(
  'SystemInfo',
  closed({
    version: Type.String(),
    storage: Type.Array(StorageTarget),
    postgres: closed({
      mode: StringEnum(['direct', 'docker'] as const),
      reachable: Type.Boolean(),
      error: Nullable(Type.String({ description: 'Why it is not reachable; no credentials' })),
    }),
    encryption: closed({ enabled: Type.Boolean(), keyId: Nullable(Type.String({ description: 'Fingerprint of the current key, never the key' })) }),
  }),
);

export const Status = named(
  'Status',
  closed({
    generatedAt: DateTime,
    schedulerMode: StringEnum(['internal', 'external', 'both'] as const),
    schedules: Type.Array(ScheduleStatus),
    orphanJobSchedulers: Type.Array(Type.String()),
    queues: Type.Record(Type.String(), QueueCounts),
    health: BackupHealth,
  }),
);

export const Liveness = named('Liveness', closed({ status: Type.Literal('ok') }));

export const Readiness = named(
  'Readiness',
  closed({
    status: StringEnum(['ok', 'unavailable'] as const),
    checks: closed({ redis: StringEnum(['ok', 'unreachable'] as const), catalog: StringEnum(['ok', 'unreachable'] as const) }),
  }),
);
