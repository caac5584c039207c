import { Router } from 'express';
import { AppError, ErrorCode } from '../../../shared/errors';
import { loadRestorableBackup } from '../../../shared/jobs/restore/restore-input';
import { enqueue } from '../../../shared/queue/enqueue';
import type { Runtime } from '../../../shared/runtime/runtime';
import { uuidParam } from '../dto/id-param';
import { parseDto } from '../dto/parse-dto';
import { VerifyRequestDto } from '../dto/restore.dto';
import { acceptedJob } from './accepted-job';

/** Verification: queue one, queue every pending one, and the statistics. Mounted before `/:id` routes. */
export function verificationRoutes(runtime: Runtime): Router {
  const router = Router();

  router.get('/stats', async (_req, res) => {
    const counts = Object.fromEntries((await runtime.stats.verificationCounts()).map((c) => [c.key, c.count]));
    const [verified, pending, failed, noChecksum] = [counts.verified ?? 0, counts.pending ?? 0, counts.failed ?? 0, counts.no_checksum ?? 0];
    res.json({ total: verified + pending + failed + noChecksum, verified, pending, failed, noChecksum });
  });

  router.post('/verify-pending', async (req, res) => {
    const { mode = 'checksum' } = parseDto(VerifyRequestDto, req.body);
    // A restore test only exists for database backups; source backups wait for a checksum verification.
    const pending = (await runtime.backups.pendingVerification()).filter((b) => mode !== 'restore-test' || b.type === 'database');
    const jobs = [];
    for (const backup of pending) jobs.push(await enqueue(runtime.enqueueDeps, 'verify', { backupId: backup.id, mode, trigger: 'api' }));
    res.status(202).json({ queued: jobs.length, jobs: jobs.map(acceptedJob) });
  });

  router.post('/:id/verify', async (req, res) => {
    const id = uuidParam(req.params.id, 'Backup');
    const { mode = 'checksum' } = parseDto(VerifyRequestDto, req.body);
    const backup = await loadRestorableBackup(runtime.backups, runtime.keys, id, undefined);
    if (mode === 'restore-test' && backup.type !== 'database') {
      throw new AppError(ErrorCode.ValidationFailed, `A restore test loads a database backup; ${backup.filename} is a source backup: use mode "checksum"`);
    }
    const job = await enqueue(runtime.enqueueDeps, 'verify', { backupId: backup.id, mode, trigger: 'api' });
    res.status(202).json(acceptedJob(job));
  });

  return router;
}
