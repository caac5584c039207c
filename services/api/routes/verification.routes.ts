import { AppError, ErrorCode } from '../../../shared/errors';
import { loadRestorableBackup } from '../../../shared/jobs/restore/restore-input';
import { enqueue } from '../../../shared/queue/enqueue';
import { UuidParams } from '../dto/id-param';
import { VerifyRequestDto } from '../dto/restore.dto';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { VerificationStats } from '../schemas/backup.schema';
import { AcceptedJob, VerifyPendingResult } from '../schemas/job.schema';
import { acceptedJob } from './accepted-job';

/** Verification: queue one, queue every pending one, and the statistics. Listed before the `/:id` routes of backups. */
export const verificationRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/api/backups/stats',
    operationId: 'getVerificationStats',
    summary: 'How many backups are verified, pending, failed, without checksum',
    tag: 'verification',
    auth: ['adminKey'],
    responses: { 200: { description: 'Counts', schema: VerificationStats } },
    handler: async ({ runtime }) => {
      const counts = Object.fromEntries((await runtime.stats.verificationCounts()).map((c) => [c.key, c.count]));
      const [verified, pending, failed, noChecksum] = [counts.verified ?? 0, counts.pending ?? 0, counts.failed ?? 0, counts.no_checksum ?? 0];
      return { body: { total: verified + pending + failed + noChecksum, verified, pending, failed, noChecksum } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/backups/verify-pending',
    operationId: 'verifyPending',
    summary: 'Queue a verification of every backup not verified yet',
    tag: 'verification',
    auth: ['adminKey'],
    body: VerifyRequestDto,
    responses: { 202: { description: 'Queued', schema: VerifyPendingResult } },
    errors: [ErrorCode.QueueUnavailable],
    handler: async ({ runtime, body }) => {
      const mode = body.mode ?? 'checksum';
      // A restore test only exists for database backups; source backups wait for a checksum verification.
      const pending = (await runtime.backups.pendingVerification()).filter((b) => mode !== 'restore-test' || b.type === 'database');
      const jobs = [];
      for (const backup of pending) jobs.push(await enqueue(runtime.enqueueDeps, 'verify', { backupId: backup.id, mode, trigger: 'api' }));
      return { body: { queued: jobs.length, jobs: jobs.map(acceptedJob) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/backups/:id/verify',
    operationId: 'verifyBackup',
    summary: 'Queue a verification (checksum of every copy, or a restore test into a throw-away database)',
    tag: 'verification',
    auth: ['adminKey'],
    params: UuidParams,
    body: VerifyRequestDto,
    responses: { 202: { description: 'Queued', schema: AcceptedJob } },
    errors: [ErrorCode.BackupNotFound, ErrorCode.BackupNotCompleted, ErrorCode.EncryptionKeyMissing, ErrorCode.QueueUnavailable],
    handler: async ({ runtime, params, body }) => {
      const mode = body.mode ?? 'checksum';
      const backup = await loadRestorableBackup(runtime.backups, runtime.keys, params.id, undefined);
      if (mode === 'restore-test' && backup.type !== 'database') {
        throw new AppError(ErrorCode.ValidationFailed, `A restore test loads a database backup; ${backup.filename} is a source backup: use mode "checksum"`);
      }
      return { body: acceptedJob(await enqueue(runtime.enqueueDeps, 'verify', { backupId: backup.id, mode, trigger: 'api' })) };
    },
  }),
];
