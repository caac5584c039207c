import type { Backup } from '../../../shared/catalog/entities';
import { databaseRestoreWarnings, sourceRestoreWarnings } from '../../../shared/domain/restore-warnings';
import { parsePostgresUrl } from '../../../shared/config/postgres-url';
import { AppError, ErrorCode } from '../../../shared/errors';
import type { PendingRestore } from '../../../shared/jobs/restore/confirmation-tokens';
import { loadRestorableBackup } from '../../../shared/jobs/restore/restore-input';
import { checkSourceRestoreTarget } from '../../../shared/jobs/restore/run-restore';
import { enqueue } from '../../../shared/queue/enqueue';
import type { Runtime } from '../../../shared/runtime/runtime';
import { UuidParams } from '../dto/id-param';
import { RestoreConfirmDto, RestoreRequestDto } from '../dto/restore.dto';
import { presentBackup } from '../presenters';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { RestorePlan } from '../schemas/backup.schema';
import { AcceptedJob, DropPreviousJob } from '../schemas/job.schema';
import { acceptedJob } from './accepted-job';

const RESTORABLE_ERRORS = [ErrorCode.BackupNotFound, ErrorCode.BackupNotCompleted, ErrorCode.EncryptionKeyMissing] as const;

/** The restore an operator asked for, checked against the backup's type, with what to warn about. */
function plan(runtime: Runtime, backup: Backup, body: RestoreRequestDto): { pending: PendingRestore; target: Record<string, unknown>; warnings: string[] } {
  const live = runtime.config.DATABASE_URL ? parsePostgresUrl(runtime.config.DATABASE_URL).database : 'the Kanbu database';
  const keepPrevious = body.keepPrevious ?? true;
  if (backup.type === 'source') {
    if (!body.targetPath) throw new AppError(ErrorCode.ValidationFailed, 'targetPath is required: a source backup restores into a directory');
    if (body.targetDatabase) throw new AppError(ErrorCode.ValidationFailed, 'targetDatabase is for database backups');
    checkSourceRestoreTarget(runtime.config, body.targetPath);
    const replaceExisting = body.replaceExisting ?? false;
    return {
      pending: { backupId: backup.id, targetPath: body.targetPath, replaceExisting, keepPrevious },
      target: { path: body.targetPath, replaceExisting },
      warnings: sourceRestoreWarnings(body.targetPath, replaceExisting, runtime.config.KANBU_SOURCE_PATH),
    };
  }
  if (body.targetPath || body.replaceExisting !== undefined)
    throw new AppError(ErrorCode.ValidationFailed, 'targetPath and replaceExisting are for source backups');
  return {
    pending: { backupId: backup.id, targetDatabase: body.targetDatabase, keepPrevious },
    target: { database: body.targetDatabase ?? live, replacesLiveDatabase: !body.targetDatabase, keepPrevious },
    warnings: databaseRestoreWarnings(live, body.targetDatabase, keepPrevious, runtime.config.BACKUP_PRE_RESTORE_KEEP_DAYS),
  };
}

/** Two-step restore: ask (warnings + single-use token), then confirm (queues the job); and dropping the database a restore kept. */
export const restoreRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'post',
    path: '/api/backups/:id/restore',
    operationId: 'requestRestore',
    summary: 'Step 1 of a restore: what it would do, its warnings, and a single-use confirmation token',
    tag: 'restore',
    auth: ['adminKey'],
    params: UuidParams,
    body: RestoreRequestDto,
    responses: { 200: { description: 'The plan and its confirmation token', schema: RestorePlan } },
    errors: RESTORABLE_ERRORS,
    handler: async ({ runtime, params, body }) => {
      const backup = await loadRestorableBackup(runtime.backups, runtime.keys, params.id, undefined);
      const { pending, target, warnings } = plan(runtime, backup, body);
      const confirmation = await runtime.confirmations.issue(pending);
      return { body: { backup: presentBackup(backup), target, warnings, confirmation: { ...confirmation, url: `/api/backups/${backup.id}/restore/confirm` } } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/backups/:id/restore/confirm',
    operationId: 'confirmRestore',
    summary: 'Step 2 of a restore: redeem the token and queue the restore',
    tag: 'restore',
    auth: ['adminKey'],
    params: UuidParams,
    body: RestoreConfirmDto,
    responses: { 202: { description: 'Queued', schema: AcceptedJob } },
    errors: [...RESTORABLE_ERRORS, ErrorCode.RestoreTokenInvalid, ErrorCode.QueueUnavailable],
    handler: async ({ runtime, params, body }) => {
      const pending = await runtime.confirmations.redeem(body.token, params.id);
      await loadRestorableBackup(runtime.backups, runtime.keys, params.id, undefined);
      const job = await enqueue(runtime.enqueueDeps, 'restore', { action: 'restore', trigger: 'api', ...pending }, { attempts: 1 });
      return { body: acceptedJob(job) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/restores/:id/previous',
    operationId: 'dropPreviousDatabase',
    summary: 'Queue dropping the database a restore replaced and kept',
    description:
      'Dropping a database is queued work, so this DELETE answers 202 with the queued job (like every queued operation), not the DeleteResult of synchronous deletes.',
    tag: 'restore',
    auth: ['adminKey'],
    params: UuidParams,
    responses: { 202: { description: 'Queued', schema: DropPreviousJob } },
    errors: [ErrorCode.RestoreNotFound, ErrorCode.NoPreviousDatabase, ErrorCode.QueueUnavailable],
    handler: async ({ runtime, params }) => {
      const restore = await runtime.executions.findById(params.id);
      if (!restore || restore.kind !== 'restore') throw new AppError(ErrorCode.RestoreNotFound, 'Restore not found');
      if (typeof restore.details?.previousDatabase !== 'string') {
        throw new AppError(ErrorCode.NoPreviousDatabase, 'This restore kept no previous database (or it was dropped already)');
      }
      const job = await enqueue(runtime.enqueueDeps, 'restore', { action: 'drop-previous', trigger: 'api', restoreExecutionId: restore.id }, { attempts: 1 });
      return { body: { ...acceptedJob(job), database: restore.details.previousDatabase } };
    },
  }),
];
