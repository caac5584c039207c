import { Type } from '@sinclair/typebox';
import { BACKUP_PURPOSES, BACKUP_STATUSES, BACKUP_TYPES, COMPRESSIONS, COPY_STATUSES, TRIGGERS, VERIFICATION_STATUSES } from '../../../shared/domain/types';
import { ErrorCode } from '../../../shared/errors';
import { closed, DateTime, Details, named, Nullable, StringEnum, Uuid } from './schema-helpers';

export const BackupCopy = named(
  'BackupCopy',
  closed({
    target: Type.String({ description: 'Storage target name (`local`, `s3:offsite`, …)' }),
    isPrimary: Type.Boolean(),
    location: Type.String(),
    status: StringEnum(COPY_STATUSES),
    sizeBytes: Nullable(Type.Integer()),
    checkedAt: Nullable(DateTime),
    error: Nullable(Type.String()),
  }),
);

export const Backup = named(
  'Backup',
  closed({
    id: Uuid,
    type: StringEnum(BACKUP_TYPES),
    filename: Type.String(),
    status: StringEnum(BACKUP_STATUSES),
    purpose: StringEnum(BACKUP_PURPOSES),
    sizeBytes: Nullable(Type.Integer()),
    sourceBytes: Nullable(Type.Integer()),
    checksum: Nullable(Type.String({ description: 'SHA-256 of the stored file, hex' })),
    compression: StringEnum(COMPRESSIONS),
    isEncrypted: Type.Boolean(),
    encryptionKeyId: Nullable(Type.String()),
    storage: Type.String(),
    verificationStatus: StringEnum(VERIFICATION_STATUSES),
    verifiedAt: Nullable(DateTime),
    verificationError: Nullable(Type.String()),
    verificationDetails: Nullable(Details),
    protected: Type.Boolean(),
    protectedUntil: Nullable(DateTime),
    scheduleId: Nullable(Uuid),
    executionId: Nullable(Uuid),
    trigger: StringEnum(TRIGGERS),
    durationMs: Nullable(Type.Integer()),
    error: Nullable(Type.String()),
    createdAt: DateTime,
    completedAt: Nullable(DateTime),
    copies: Type.Optional(Type.Array(BackupCopy)),
  }),
);

export const CopyDeletion = named('CopyDeletion', closed({ target: Type.String(), status: StringEnum(COPY_STATUSES), error: Nullable(Type.String()) }));

export const VerificationStats = named(
  'VerificationStats',
  closed({ total: Type.Integer(), verified: Type.Integer(), pending: Type.Integer(), failed: Type.Integer(), noChecksum: Type.Integer() }),
);

/** The answer of every synchronous DELETE: what was deleted, plus what the deletion touched. */
export const DeleteResult = named(
  'DeleteResult',
  closed({
    resource: StringEnum(['backup', 'schedule'] as const),
    id: Uuid,
    deleted: Type.Literal(true),
    copies: Type.Optional(Type.Array(CopyDeletion, { description: 'Backups: the outcome on each storage target' })),
    mirrorSynced: Type.Optional(Type.Boolean({ description: 'Schedules: whether the job scheduler in Redis was removed too' })),
  }),
);

const BULK_DELETE_REFUSALS = [
  ErrorCode.BackupProtected,
  ErrorCode.BackupNotCompleted,
  ErrorCode.LastBackup,
  ErrorCode.BackupNotFound,
  ErrorCode.BackupDeleteIncomplete,
] as const;

export const BulkDeleteResults = named(
  'BulkDeleteResults',
  closed({
    results: Type.Array(
      closed({
        id: Uuid,
        status: StringEnum(['deleted', 'refused'] as const),
        code: Type.Optional(StringEnum(BULK_DELETE_REFUSALS)),
        message: Type.Optional(Type.String()),
      }),
    ),
  }),
);

export const RestorePlan = named(
  'RestorePlan',
  closed({
    backup: Backup,
    target: Type.Union([
      closed({ database: Type.String(), replacesLiveDatabase: Type.Boolean(), keepPrevious: Type.Boolean() }),
      closed({ path: Type.String(), replaceExisting: Type.Boolean() }),
    ]),
    warnings: Type.Array(Type.String()),
    confirmation: closed({
      token: Type.String({ description: 'Single use; send it to `url` to start the restore' }),
      expiresAt: DateTime,
      url: Type.String(),
    }),
  }),
);
