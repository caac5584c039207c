import { scheduleSlot } from '../../../shared/domain/schedule-settings';
import { AppError, ErrorCode } from '../../../shared/errors';
import { enqueue } from '../../../shared/queue/enqueue';
import type { Runtime } from '../../../shared/runtime/runtime';
import { TriggerBackupDto } from '../dto/backup.dto';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { TriggeredJob } from '../schemas/job.schema';
import { acceptedJob } from './accepted-job';

async function slotFor(runtime: Runtime, scheduleId: string, type: string): Promise<{ slot: string; jobId: string }> {
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

/**
 * For external schedulers (cron + curl, Kubernetes CronJob). With a
 * `scheduleId`, every trigger in the same slot of that schedule (the nearest
 * cron time) is one job: retries and duplicate calls are deduplicated.
 */
export const triggerRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'post',
    path: '/api/backup/trigger',
    operationId: 'triggerBackup',
    summary: 'Queue a backup from an external scheduler (only when BACKUP_SCHEDULER_MODE is external or both)',
    tag: 'backups',
    auth: ['triggerKey'],
    body: TriggerBackupDto,
    responses: { 202: { description: 'Queued (or the job of this slot, deduplicated)', schema: TriggeredJob } },
    errors: [ErrorCode.TriggerDisabled, ErrorCode.ScheduleNotFound, ErrorCode.ScheduleDisabled, ErrorCode.QueueUnavailable],
    precondition: (runtime) => {
      if (runtime.config.BACKUP_SCHEDULER_MODE === 'internal')
        throw new AppError(ErrorCode.TriggerDisabled, 'The trigger endpoint is disabled (BACKUP_SCHEDULER_MODE=internal)');
    },
    handler: async ({ runtime, body }) => {
      const slotted = body.scheduleId ? await slotFor(runtime, body.scheduleId, body.type) : null;
      const job = await enqueue(
        runtime.enqueueDeps,
        'backup',
        { type: body.type, trigger: 'external', scheduleId: body.scheduleId ?? null, ...(slotted ? { slot: slotted.slot } : {}) },
        slotted ? { jobId: slotted.jobId } : {},
      );
      return { body: { ...acceptedJob(job), ...(slotted ? { slot: slotted.slot } : {}) } };
    },
  }),
];
