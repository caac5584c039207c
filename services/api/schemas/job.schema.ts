import { Type } from '@sinclair/typebox';
import { EXECUTION_KINDS, EXECUTION_STATUSES, TRIGGERS } from '../../../shared/domain/types';
import { ALL_QUEUES } from '../../../shared/queue/queue-names';
import { closed, DateTime, Details, named, Nullable, StringEnum, Uuid } from './schema-helpers';

export const AcceptedJob = named(
  'AcceptedJob',
  closed({
    executionId: Uuid,
    jobId: Type.String(),
    queue: StringEnum(ALL_QUEUES),
    status: Type.Literal('queued'),
    deduplicated: Type.Boolean({ description: 'A job with the same id existed already (a duplicate trigger for one schedule slot)' }),
    links: closed({ job: Type.String(), execution: Type.String() }),
  }),
);

export const TriggeredJob = named(
  'TriggeredJob',
  closed({
    ...AcceptedJob.properties,
    slot: Type.Optional(Type.String({ format: 'date-time', description: 'The schedule slot (nearest cron time) this run belongs to' })),
  }),
);

export const DropPreviousJob = named('DropPreviousJob', closed({ ...AcceptedJob.properties, database: Type.String() }));

export const VerifyPendingResult = named('VerifyPendingResult', closed({ queued: Type.Integer(), jobs: Type.Array(AcceptedJob) }));

export const Execution = named(
  'Execution',
  closed({
    id: Uuid,
    kind: StringEnum(EXECUTION_KINDS),
    trigger: StringEnum(TRIGGERS),
    status: StringEnum(EXECUTION_STATUSES),
    queue: Type.String(),
    jobId: Nullable(Type.String()),
    scheduleId: Nullable(Uuid),
    backupId: Nullable(Uuid),
    attempts: Type.Integer(),
    queuedAt: DateTime,
    startedAt: Nullable(DateTime),
    finishedAt: Nullable(DateTime),
    durationMs: Nullable(Type.Integer()),
    error: Nullable(Type.String()),
    details: Nullable(Details),
  }),
);

export const Job = named(
  'Job',
  closed({
    id: Type.String(),
    queue: StringEnum(ALL_QUEUES),
    name: Type.String(),
    state: Type.String({ description: 'BullMQ state: waiting, active, delayed, prioritized, completed, failed, unknown, …' }),
    progress: Type.Unknown({ description: 'A number (percent) or an object with the phase and bytes done' }),
    attemptsMade: Type.Integer(),
    attempts: Type.Integer(),
    failedReason: Nullable(Type.String()),
    result: Type.Unknown(),
    executionId: Nullable(Uuid),
    createdAt: DateTime,
    startedAt: Nullable(DateTime),
    finishedAt: Nullable(DateTime),
  }),
);
