import { scheduleSlot } from '../../../shared/domain/schedule-settings';
import { AppError, ErrorCode } from '../../../shared/errors';
import { enqueue } from '../../../shared/queue/enqueue';
import type { Runtime } from '../../../shared/runtime/runtime';
import { TriggerBackupDto } from '../dto/backup.dto';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { TriggeredJob } from '../schemas/job.schema';
import { acceptedJob } from './accepted-job';

/** `scheduleRef` is the schedule's UUID or number; the job is filed under its UUID. */
async function slotFor(runtime: Runtime, scheduleRef: string, type: string): Promise<{ scheduleId: string; slot: string; jobId: string }> {
  const schedule = await runtime.schedules.findByReference(scheduleRef);
  if (!schedule) throw new AppError(ErrorCode.ScheduleNotFound, 'Schedule not found');
  if (!schedule.enabled) throw new AppError(ErrorCode.ScheduleDisabled, `Schedule "${schedule.name}" is disabled`);
  if (schedule.type !== type) {
    throw new AppError(ErrorCode.ValidationFailed, `type must be the schedule's type (${schedule.type})`, {
      details: [{ field: 'type', messages: [`must be ${schedule.type}`] }],
    });
  }
  const slot = scheduleSlot(schedule, runtime.config.BACKUP_CRON_TIMEZONE, new Date());
  return { scheduleId: schedule.id, slot, jobId: `slot-${schedule.id}-${Date.parse(slot)}` };
}

/**
 * For external schedulers (cron + curl, Kubernetes CronJob). With a
 * `scheduleId`, every trigger in the same slot of that schedule (the nearest
 * cron time) is one job: retries and duplicate calls are deduplicated.
 * `scheduleId` may be the schedule's number (`"scheduleId": 1`, as Kanbu's guide says).
 */
export const triggerRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'post',
    path: '/api/backup/trigger',
    operationId: 'triggerBackup',
    summary: 'Queue a backup from an external scheduler (only when BACKUP_SCHEDULER_MODE is external or both)',
    description:
      'Takes the trigger key as `Authorization: Bearer <key>` or, for existing Kanbu cron jobs, `X-Backup-Key: <key>` (never in the body). ' +
      "`scheduleId` is the schedule's UUID or its number.",
    tag: 'backups',
    auth: ['triggerKey', 'triggerKeyHeader'],
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
        { type: body.type, trigger: 'external', scheduleId: slotted?.scheduleId ?? null, ...(slotted ? { slot: slotted.slot } : {}) },
        slotted ? { jobId: slotted.jobId } : {},
      );
      return { body: { ...acceptedJob(job), ...(slotted ? { slot: slotted.slot } : {}) } };
    },
  }),
];
