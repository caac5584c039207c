import { Router } from 'express';
import { AppError, ErrorCode } from '../../../shared/errors';
import { enqueue } from '../../../shared/queue/enqueue';
import type { Runtime } from '../../../shared/runtime/runtime';
import { TriggerBackupDto } from '../dto/backup.dto';
import { parseDto } from '../dto/parse-dto';
import { requireBearer } from '../middleware/auth';
import { acceptedJob } from './accepted-job';

/**
 * POST /api/backup/trigger, for external schedulers (cron + curl, Kubernetes
 * CronJob). Only exists when BACKUP_SCHEDULER_MODE is `external` or `both`.
 */
export function triggerRoutes(runtime: Runtime): Router {
  const router = Router();
  const enabled = runtime.config.BACKUP_SCHEDULER_MODE !== 'internal';

  router.post(
    '/',
    (_req, _res, next) => {
      if (!enabled) return next(AppError.notFound(ErrorCode.TriggerDisabled, 'The trigger endpoint is disabled (BACKUP_SCHEDULER_MODE=internal)'));
      next();
    },
    requireBearer(() => runtime.config.BACKUP_TRIGGER_API_KEY, 'trigger API key'),
    async (req, res) => {
      const body = parseDto(TriggerBackupDto, req.body);
      const job = await enqueue(runtime.enqueueDeps, 'backup', { type: body.type, trigger: 'external', scheduleId: body.scheduleId ?? null });
      res.status(202).json(acceptedJob(job));
    },
  );
  return router;
}
