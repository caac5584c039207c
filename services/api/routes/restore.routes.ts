import { Router } from 'express';
import { AppError, ErrorCode } from '../../../shared/errors';
import type { Backup } from '../../../shared/catalog/entities';
import { databaseRestoreWarnings, sourceRestoreWarnings } from '../../../shared/domain/restore-warnings';
import { parsePostgresUrl } from '../../../shared/config/postgres-url';
import type { PendingRestore } from '../../../shared/jobs/restore/confirmation-tokens';
import { loadRestorableBackup } from '../../../shared/jobs/restore/restore-input';
import { checkSourceRestoreTarget } from '../../../shared/jobs/restore/run-restore';
import { enqueue } from '../../../shared/queue/enqueue';
import type { Runtime } from '../../../shared/runtime/runtime';
import { uuidParam } from '../dto/id-param';
import { parseDto } from '../dto/parse-dto';
import { RestoreConfirmDto, RestoreRequestDto } from '../dto/restore.dto';
import { presentBackup } from '../presenters';
import { acceptedJob } from './accepted-job';

/** Two-step restore: ask (warnings + single-use token), then confirm (queues the job). */
export function restoreRoutes(runtime: Runtime): Router {
  const router = Router();
  const live = () => (runtime.config.DATABASE_URL ? parsePostgresUrl(runtime.config.DATABASE_URL).database : 'the Kanbu database');

  /** The restore an operator asked for, checked against the backup's type, with what to warn about. */
  function plan(backup: Backup, body: RestoreRequestDto): { pending: PendingRestore; target: Record<string, unknown>; warnings: string[] } {
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
      target: { database: body.targetDatabase ?? live(), replacesLiveDatabase: !body.targetDatabase, keepPrevious },
      warnings: databaseRestoreWarnings(live(), body.targetDatabase, keepPrevious, runtime.config.BACKUP_PRE_RESTORE_KEEP_DAYS),
    };
  }

  router.post('/:id/restore', async (req, res) => {
    const id = uuidParam(req.params.id, 'Backup');
    const body = parseDto(RestoreRequestDto, req.body);
    const backup = await loadRestorableBackup(runtime.backups, runtime.keys, id, undefined);
    const { pending, target, warnings } = plan(backup, body);
    const confirmation = await runtime.confirmations.issue(pending);
    res.json({ backup: presentBackup(backup), target, warnings, confirmation: { ...confirmation, url: `/api/backups/${backup.id}/restore/confirm` } });
  });

  router.post('/:id/restore/confirm', async (req, res) => {
    const id = uuidParam(req.params.id, 'Backup');
    const { token } = parseDto(RestoreConfirmDto, req.body);
    const pending = await runtime.confirmations.redeem(token, id);
    await loadRestorableBackup(runtime.backups, runtime.keys, id, undefined);
    const job = await enqueue(runtime.enqueueDeps, 'restore', { action: 'restore', trigger: 'api', ...pending }, { attempts: 1 });
    res.status(202).json(acceptedJob(job));
  });

  return router;
}

/** DELETE /api/restores/:id/previous — drop the database a restore replaced and kept. */
export function restoresRoutes(runtime: Runtime): Router {
  const router = Router();
  router.delete('/:id/previous', async (req, res) => {
    const restore = await runtime.executions.findById(uuidParam(req.params.id, 'Restore'));
    if (!restore || restore.kind !== 'restore') throw new AppError(ErrorCode.RestoreNotFound, 'Restore not found');
    if (typeof restore.details?.previousDatabase !== 'string') {
      throw new AppError(ErrorCode.NoPreviousDatabase, 'This restore kept no previous database (or it was dropped already)');
    }
    const job = await enqueue(runtime.enqueueDeps, 'restore', { action: 'drop-previous', trigger: 'api', restoreExecutionId: restore.id }, { attempts: 1 });
    res.status(202).json({ ...acceptedJob(job), database: restore.details.previousDatabase });
  });
  return router;
}
