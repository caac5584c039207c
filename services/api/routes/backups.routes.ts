import { Type } from '@sinclair/typebox';
import { assertDeletable } from '../../../shared/domain/deletion-guard';
import { USABLE_BACKUP_STATUSES } from '../../../shared/domain/types';
import { AppError, ErrorCode, errorMessage } from '../../../shared/errors';
import { deleteBackupEverywhere } from '../../../shared/jobs/delete-backup';
import { createLogger } from '../../../shared/logging';
import { enqueue } from '../../../shared/queue/enqueue';
import type { Runtime } from '../../../shared/runtime/runtime';
import { CreateBackupDto, DownloadBackupQuery, ListBackupsQuery } from '../dto/backup.dto';
import { UuidParams } from '../dto/id-param';
import { ProtectBackupDto } from '../dto/schedule.dto';
import { actorOf } from '../middleware/actor';
import { presentBackup, presentPage } from '../presenters';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { Backup, DeleteResult } from '../schemas/backup.schema';
import { AcceptedJob } from '../schemas/job.schema';
import { pageOf } from '../schemas/page.schema';
import { acceptedJob } from './accepted-job';

const logger = createLogger('API');

export async function findBackup(runtime: Runtime, id: string) {
  const backup = await runtime.backups.findByIdWithCopies(id);
  if (!backup) throw new AppError(ErrorCode.BackupNotFound, 'Backup not found');
  return backup;
}

const header = (description: string) => ({ description, schema: Type.String() });

export const backupRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'post',
    path: '/api/backups',
    operationId: 'createBackup',
    summary: 'Queue a backup now',
    tag: 'backups',
    auth: ['adminKey', 'session'],
    body: CreateBackupDto,
    responses: { 202: { description: 'Queued', schema: AcceptedJob } },
    errors: [ErrorCode.QueueUnavailable],
    handler: async ({ runtime, body }) => ({ body: acceptedJob(await enqueue(runtime.enqueueDeps, 'backup', { type: body.type, trigger: 'api' })) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/backups',
    operationId: 'listBackups',
    summary: 'Backups, newest first by default',
    tag: 'backups',
    auth: ['adminKey', 'session'],
    query: ListBackupsQuery,
    responses: { 200: { description: 'A page of backups', schema: pageOf('BackupPage', Backup) } },
    handler: async ({ runtime, query }) => {
      const page = await runtime.backups.list({
        page: query.page,
        pageSize: query.pageSize,
        sort: query.sortField,
        order: query.order === 'asc' ? 'ASC' : 'DESC',
        type: query.type,
        status: query.status,
      });
      return { body: presentPage(page, presentBackup) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/backups/:id',
    operationId: 'getBackup',
    summary: 'One backup with its copies',
    tag: 'backups',
    auth: ['adminKey', 'session'],
    params: UuidParams,
    responses: { 200: { description: 'The backup', schema: Backup } },
    errors: [ErrorCode.BackupNotFound],
    handler: async ({ runtime, params }) => ({ body: presentBackup(await findBackup(runtime, params.id)) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/backups/:id/download',
    operationId: 'downloadBackup',
    summary: 'The stored file (compressed, encrypted as stored), from the first copy that reads back',
    description:
      "`verify=true` checks the whole copy against its checksum before the first byte (failing over to a replica); `verify=false` streams at once. Unset: `true` for Bearer callers, `false` for a browser session (a download link should start at once; the backup's `verification` shows its last check). `Range` is not supported yet.",
    tag: 'backups',
    auth: ['adminKey', 'session'],
    params: UuidParams,
    query: DownloadBackupQuery,
    responses: {
      200: {
        description: 'The backup file',
        contentType: 'application/octet-stream',
        schema: Type.String({ contentMediaType: 'application/octet-stream' }),
        headers: {
          'Content-Length': { description: 'Size of the file', schema: Type.Integer() },
          'Content-Disposition': header('attachment; filename="<backup file name>"'),
          'X-Backup-Storage': header('Target the bytes come from'),
          'X-Backup-Copy': { description: 'primary or replica', schema: Type.String({ enum: ['primary', 'replica'] }) },
          'X-Backup-Verified': {
            description: 'Whether the copy was checked against its checksum before streaming',
            schema: Type.String({ enum: ['true', 'false'] }),
          },
          'X-Backup-Skipped-Copies': header('Copies passed over, as `target=reason, …`'),
          'X-Backup-SHA256': header('Checksum of the file, hex'),
        },
      },
    },
    errors: [ErrorCode.BackupNotFound, ErrorCode.BackupNotCompleted, ErrorCode.BackupFileNotFound, ErrorCode.ChecksumMismatch, ErrorCode.StorageUnavailable],
    handler: async ({ runtime, params, query, req }) => {
      const backup = await findBackup(runtime, params.id);
      if (!USABLE_BACKUP_STATUSES.includes(backup.status)) {
        throw new AppError(ErrorCode.BackupNotCompleted, `Backup is ${backup.status}; only completed backups can be downloaded`);
      }
      // A browser download should start at once; scripts keep verify-first unless they say otherwise.
      const opened = await runtime.reader.open(backup, { verify: query.verify ?? actorOf(req)?.kind !== 'session' });
      return {
        stream: opened.stream,
        attachment: backup.filename,
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(opened.sizeBytes),
          'X-Backup-Storage': opened.target,
          'X-Backup-Copy': opened.primary ? 'primary' : 'replica',
          'X-Backup-Verified': String(opened.verified),
          ...(opened.skipped.length ? { 'X-Backup-Skipped-Copies': opened.skipped.map((s) => `${s.target}=${s.reason}`).join(', ') } : {}),
          ...(backup.checksum ? { 'X-Backup-SHA256': backup.checksum } : {}),
        },
        // The client went away or the read failed mid-way; headers are sent, so just log.
        onStreamError: (err) => logger.warn(`Download of ${backup.filename} ended early: ${errorMessage(err)}`),
      };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/backups/:id',
    operationId: 'protectBackup',
    summary: 'Protect a backup from retention and DELETE (or release it)',
    tag: 'backups',
    auth: ['adminKey', 'session'],
    params: UuidParams,
    body: ProtectBackupDto,
    responses: { 200: { description: 'The backup', schema: Backup } },
    errors: [ErrorCode.BackupNotFound],
    handler: async ({ runtime, params, body }) => {
      const backup = await findBackup(runtime, params.id);
      await runtime.backups.update(backup.id, { isProtected: body.protected });
      logger.info(`Backup ${backup.filename} ${body.protected ? 'protected' : 'no longer protected'}`);
      return { body: presentBackup((await runtime.backups.findByIdWithCopies(backup.id))!) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/backups/:id',
    operationId: 'deleteBackup',
    summary: 'Delete a backup from every storage target and the catalog',
    tag: 'backups',
    auth: ['adminKey', 'session'],
    params: UuidParams,
    responses: { 200: { description: 'Deleted everywhere', schema: DeleteResult } },
    errors: [ErrorCode.BackupNotFound, ErrorCode.BackupProtected, ErrorCode.LastBackup, ErrorCode.BackupDeleteIncomplete],
    handler: async ({ runtime, params }) => {
      const backup = await findBackup(runtime, params.id);
      assertDeletable(backup, await runtime.backups.countUsable(backup.type));
      // The last-usable rule is checked again under the row lock: two deletes at once cannot both pass it.
      const result = await deleteBackupEverywhere({ backups: runtime.backups, copies: runtime.copies, targets: runtime.targets, logger }, backup, {
        keepLastUsable: true,
      });
      if (result.lastUsable) assertDeletable(backup, 1);
      if (!result.deleted) {
        const failed = result.copies.filter((c) => c.status === 'delete_failed');
        throw new AppError(
          ErrorCode.BackupDeleteIncomplete,
          `Backup ${backup.filename} could not be deleted everywhere (${failed.map((c) => `${c.target}: ${c.error}`).join('; ')}); the record is kept, delete again to retry`,
          { details: { copies: result.copies } },
        );
      }
      return { body: { resource: 'backup', id: backup.id, deleted: true, copies: result.copies } };
    },
  }),
];
