import { Type } from '@sinclair/typebox';
import { RETENTION_WARNING_CODES } from '../../../shared/domain/retention-policy';
import { BACKUP_STATUSES, BACKUP_TYPES } from '../../../shared/domain/types';
import { closed, DateTime, named, Nullable, StringEnum, Uuid } from './schema-helpers';

const RetentionWarning = named(
  'RetentionWarning',
  closed({
    code: StringEnum(RETENTION_WARNING_CODES),
    message: Type.String(),
  }),
);

const scheduleFields = {
  id: Uuid,
  number: Type.Integer({ minimum: 1, description: 'Short, stable number (never reused), accepted wherever a schedule id is' }),
  name: Type.String(),
  type: StringEnum(BACKUP_TYPES),
  cronExpression: Type.String(),
  timezone: Nullable(Type.String({ description: 'Null: BACKUP_CRON_TIMEZONE' })),
  effectiveTimezone: Type.String(),
  enabled: Type.Boolean(),
  retentionDays: Nullable(Type.Integer({ description: 'Null: BACKUP_RETENTION_DAYS' })),
  keepDaily: Type.Integer(),
  keepWeekly: Type.Integer(),
  keepMonthly: Type.Integer(),
  effectiveRetentionDays: Type.Integer(),
  nextRuns: Type.Array(DateTime, { description: 'The next five runs; empty while disabled' }),
  createdAt: DateTime,
  updatedAt: DateTime,
  warnings: Type.Array(RetentionWarning, { description: 'A keep reaching further back than retentionDays (which is the maximum age)' }),
};

export const Schedule = named('Schedule', closed(scheduleFields));

export const SavedSchedule = named(
  'SavedSchedule',
  closed({
    ...scheduleFields,
    mirrorSynced: Type.Boolean({ description: 'Whether the job scheduler in Redis was updated too (workers reconcile it otherwise)' }),
  }),
);

const planItem = { id: Uuid, filename: Type.String(), type: StringEnum(BACKUP_TYPES), status: StringEnum(BACKUP_STATUSES), createdAt: DateTime };
const explanation = Type.String({ description: 'The decision in words, with the rule and dates that made it' });
const KeepReason = Type.Object({ rule: Type.String() }, { additionalProperties: true });

export const RetentionPreview = named(
  'RetentionPreview',
  closed({
    schedule: Nullable(closed({ id: Uuid, name: Type.String() })),
    now: DateTime,
    timezone: Type.String(),
    policy: closed({ retentionDays: Type.Integer(), keepDaily: Type.Integer(), keepWeekly: Type.Integer(), keepMonthly: Type.Integer() }),
    summary: closed({ keep: Type.Integer(), delete: Type.Integer(), clean: Type.Integer() }),
    warnings: Type.Array(RetentionWarning),
    delete: Type.Array(closed({ ...planItem, reason: Type.String({ description: 'expired, not_kept, failed or abandoned' }), explanation })),
    clean: Type.Array(closed({ ...planItem, reasons: Type.Array(KeepReason), explanation })),
    keep: Type.Array(closed({ ...planItem, reasons: Type.Array(KeepReason), explanation })),
  }),
);
