import { Router } from 'express';
import { pipeline } from 'node:stream/promises';
import { assertDeletable } from '../../../shared/domain/deletion-guard';
import { USABLE_BACKUP_STATUSES } from '../../../shared/domain/types';
import { AppError, ErrorCode, errorMessage } from '../../../shared/errors';
import { deleteBackupEverywhere } from '../../../shared/jobs/delete-backup';
import { createLogger } from '../../../shared/logging';
import { enqueue } from '../../../shared/queue/enqueue';
import type { Runtime } from '../../../shared/runtime/runtime';
import { CreateBackupDto, DownloadBackupQuery, ListBackupsQuery } from '../dto/backup.dto';
import { ProtectBackupDto } from '../dto/schedule.dto';
import { uuidParam } from '../dto/id-param';
import { parseDto } from '../dto/parse-dto';
import { presentBackup, presentPage } from '../presenters';
import { acceptedJob } from './accepted-job';

const logger = createLogger('API');

export function backupRoutes(runtime: Runtime): Router {
  const router = Router();

  async function findBackup(id: string | string[] | undefined) {
    const backup = await runtime.backups.findByIdWithCopies(uuidParam(id, 'Backup'));
    if (!backup) throw new AppError(ErrorCode.BackupNotFound, 'Backup not found');
    return backup;
  }

  router.post('/', async (req, res) => {
    const body = parseDto(CreateBackupDto, req.body);
    const job = await enqueue(runtime.enqueueDeps, 'backup', { type: body.type, trigger: 'api' });
    res.status(202).json(acceptedJob(job));
  });

  router.get('/', async (req, res) => {
    const query = parseDto(ListBackupsQuery, req.query);
    const page = await runtime.backups.list({
      page: query.page,
      pageSize: query.pageSize,
      sort: query.sortField,
      order: query.order === 'asc' ? 'ASC' : 'DESC',
      type: query.type,
      status: query.status,
    });
    res.json(presentPage(page, presentBackup));
  });

  router.get('/:id', async (req, res) => {
    res.json(presentBackup(await findBackup(req.params.id)));
  });

  router.get('/:id/download', async (req, res) => {
    const backup = await findBackup(req.params.id);
    if (!USABLE_BACKUP_STATUSES.includes(backup.status)) {
      throw new AppError(ErrorCode.BackupNotCompleted, `Backup is ${backup.status}; only completed backups can be downloaded`);
    }
    const query = parseDto(DownloadBackupQuery, req.query);
    const opened = await runtime.reader.open(backup, { verify: query.verify });
    res.status(200);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(opened.sizeBytes));
    res.setHeader('X-Backup-Storage', opened.target);
    res.setHeader('X-Backup-Copy', opened.primary ? 'primary' : 'replica');
    res.setHeader('X-Backup-Verified', String(opened.verified));
    if (opened.skipped.length) res.setHeader('X-Backup-Skipped-Copies', opened.skipped.map((s) => `${s.target}=${s.reason}`).join(', '));
    res.attachment(backup.filename);
    if (backup.checksum) res.setHeader('X-Backup-SHA256', backup.checksum);
    try {
      await pipeline(opened.stream, res);
    } catch (err) {
      // The client went away or the read failed mid-way; headers are sent, so just log.
      logger.warn(`Download of ${backup.filename} ended early: ${errorMessage(err)}`);
    }
  });

  /** `{"protected": true}`: retention and DELETE leave the backup alone until it is set back to false. */
  router.patch('/:id', async (req, res) => {
    const backup = await findBackup(req.params.id);
    const body = parseDto(ProtectBackupDto, req.body);
    await runtime.backups.update(backup.id, { isProtected: body.protected });
    logger.info(`Backup ${backup.filename} ${body.protected ? 'protected' : 'no longer protected'}`);
    res.json(presentBackup((await runtime.backups.findByIdWithCopies(backup.id))!));
  });

  router.delete('/:id', async (req, res) => {
    const backup = await findBackup(req.params.id);
    assertDeletable(backup, await runtime.backups.countUsable(backup.type));
    const result = await deleteBackupEverywhere({ backups: runtime.backups, copies: runtime.copies, targets: runtime.targets, logger }, backup);
    if (!result.deleted) {
      const failed = result.copies.filter((c) => c.status === 'delete_failed');
      throw new AppError(
        ErrorCode.BackupDeleteIncomplete,
        `Backup ${backup.filename} could not be deleted everywhere (${failed.map((c) => `${c.target}: ${c.error}`).join('; ')}); the record is kept, delete again to retry`,
        { details: { copies: result.copies } },
      );
    }
    res.json({ deleted: backup.id, filename: backup.filename, copies: result.copies });
  });

  return router;
}
