import { RequestHandler, Router } from 'express';
import { scheduleSlot } from '../../../shared/domain/schedule-settings';
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
 * With a `scheduleId`, every trigger in the same slot of that schedule (the
 * nearest cron time) is one job: retries and duplicate calls are deduplicated.
 */
export function triggerRoutes(runtime: Runtime, json: RequestHandler): Router {
  const router = Router();
  const enabled = runtime.config.BACKUP_SCHEDULER_MODE !== 'internal';

  async function slotFor(scheduleId: string, type: string): Promise<{ slot: string; jobId: string }> {
    const schedule = await runtime.schedules.findById(scheduleId);
    if (!schedule) throw new AppError(ErrorCode.ScheduleNotFound, 'Schedule not found');
    if (!schedule.enabled) throw new AppError(ErrorCode.ScheduleDisabled, `Schedule "${schedule.name}" is disabled`);
    if (schedule.type !== type) {
      throw new AppError(ErrorCode.ValidationFailed, `type must be the schedule's type (${schedule.type})`, {
        details: [{ field: 'type', messages: [`must be ${schedule.type}`] }],
      });
    }
    const slot = scheduleSlot(schedule, runtime.config.BACKUP_CRON_TIMEZONE, new Date());
    return { slot, jobId: `slot-${schedule.id}-${Date.parse(slot)}` };
  }

  router.post(
    '/',
    (_req, _res, next) => {
      if (!enabled) return next(new AppError(ErrorCode.TriggerDisabled, 'The trigger endpoint is disabled (BACKUP_SCHEDULER_MODE=internal)'));
      next();
    },
    requireBearer(() => runtime.config.BACKUP_TRIGGER_API_KEY, 'trigger API key'),
    // The body is read only for callers holding the key.
    json,
    async (req, res) => {
      const body = parseDto(TriggerBackupDto, req.body);
      const slotted = body.scheduleId ? await slotFor(body.scheduleId, body.type) : null;
      const job = await enqueue(
        runtime.enqueueDeps,
        'backup',
        { type: body.type, trigger: 'external', scheduleId: body.scheduleId ?? null, ...(slotted ? { slot: slotted.slot } : {}) },
        slotted ? { jobId: slotted.jobId } : {},
      );
      res.status(202).json({ ...acceptedJob(job), ...(slotted ? { slot: slotted.slot } : {}) });
    },
  );
  return router;
}
