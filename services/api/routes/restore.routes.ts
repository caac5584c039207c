import { Router } from 'express';
import { AppError, ErrorCode } from '../../../shared/errors';
import { parsePostgresUrl } from '../../../shared/engine/sources/postgres-connection';
import { loadRestorableBackup } from '../../../shared/jobs/restore/restore-database';
import { enqueue } from '../../../shared/queue/enqueue';
import type { Runtime } from '../../../shared/runtime/runtime';
import { uuidParam } from '../dto/id-param';
import { parseDto } from '../dto/parse-dto';
import { RestoreConfirmDto, RestoreRequestDto } from '../dto/restore.dto';
import { presentBackup } from '../presenters';
import { acceptedJob } from './accepted-job';

/** The warnings the admin UI shows before an operator confirms a restore. */
export function restoreWarnings(live: string, targetDatabase: string | undefined, keepPrevious: boolean, keepDays: number): string[] {
  if (targetDatabase) return [`The backup will be restored into the new database "${targetDatabase}"; the live database "${live}" is not touched`];
  return [
    `This will replace ALL current data in the database "${live}"`,
    `A pre-restore backup will be created first and protected from retention for ${keepDays} days`,
    `Clients connected to "${live}" will be disconnected while the restored database is swapped in`,
    keepPrevious
      ? `The current database will be kept as "${live}_pre_restore_<time>" until you drop it (DELETE /api/restores/<id>/previous)`
      : 'The current database will be dropped after a successful restore',
  ];
}

/** Two-step restore: ask (warnings + single-use token), then confirm (queues the job). */
export function restoreRoutes(runtime: Runtime): Router {
  const router = Router();
  const live = () => (runtime.config.DATABASE_URL ? parsePostgresUrl(runtime.config.DATABASE_URL).database : 'the Kanbu database');

  router.post('/:id/restore', async (req, res) => {
    const id = uuidParam(req.params.id, 'Backup');
    const body = parseDto(RestoreRequestDto, req.body);
    const backup = await loadRestorableBackup(runtime.backups, runtime.keys, id, 'database');
    const keepPrevious = body.keepPrevious ?? true;
    const confirmation = await runtime.confirmations.issue({ backupId: backup.id, targetDatabase: body.targetDatabase, keepPrevious });
    res.json({
      backup: presentBackup(backup),
      target: { database: body.targetDatabase ?? live(), replacesLiveDatabase: !body.targetDatabase, keepPrevious },
      warnings: restoreWarnings(live(), body.targetDatabase, keepPrevious, runtime.config.BACKUP_PRE_RESTORE_KEEP_DAYS),
      confirmation: { ...confirmation, url: `/api/backups/${backup.id}/restore/confirm` },
    });
  });

  router.post('/:id/restore/confirm', async (req, res) => {
    const id = uuidParam(req.params.id, 'Backup');
    const { token } = parseDto(RestoreConfirmDto, req.body);
    const pending = await runtime.confirmations.redeem(token, id);
    await loadRestorableBackup(runtime.backups, runtime.keys, id, 'database');
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
    if (!restore || restore.kind !== 'restore') throw AppError.notFound(ErrorCode.RestoreNotFound, 'Restore not found');
    if (typeof restore.details?.previousDatabase !== 'string') {
      throw AppError.conflict(ErrorCode.RestoreNotFound, 'This restore kept no previous database (or it was dropped already)');
    }
    const job = await enqueue(runtime.enqueueDeps, 'restore', { action: 'drop-previous', trigger: 'api', restoreExecutionId: restore.id }, { attempts: 1 });
    res.status(202).json({ ...acceptedJob(job), database: restore.details.previousDatabase });
  });
  return router;
}
