import type { Schedule } from '../catalog/entities';
import type { ScheduleFields, ScheduleRepository } from '../catalog/repositories';
import { canonicalTimeZone, cronProblem } from '../domain/cron-schedule';
import { scheduleTimeZone } from '../domain/schedule-settings';
import { AppError, ErrorCode, errorMessage } from '../errors';
import type { Logger } from '../logging';
import type { ScheduleMirror } from '../queue/schedule-mirror';

export interface ManageScheduleDeps {
  schedules: ScheduleRepository;
  mirror: ScheduleMirror;
  defaultTimeZone: string;
  logger: Logger;
}

export interface ScheduleChange {
  schedule: Schedule;
  /** False when the catalog changed but the job schedulers could not be updated yet (Redis away); workers retry. */
  mirrorSynced: boolean;
}

function invalid(field: string, message: string): AppError {
  return new AppError(ErrorCode.ValidationFailed, `Invalid request: ${field}: ${message}`, { details: [{ field, messages: [message] }] });
}

/** Checks the zone (stored canonically) and the cron expression in that zone, with the reason when invalid. */
function checkedTiming(cronExpression: string, timezone: string | null, defaultTimeZone: string): { cronExpression: string; timezone: string | null } {
  let zone: string | null = null;
  if (timezone !== null) {
    zone = canonicalTimeZone(timezone);
    if (!zone) throw invalid('timezone', `unknown time zone "${timezone}"; use an IANA name such as UTC or Europe/Amsterdam`);
  }
  const problem = cronProblem(cronExpression, scheduleTimeZone({ timezone: zone }, defaultTimeZone));
  if (problem) throw invalid('cronExpression', `not a valid cron expression: ${problem}`);
  return { cronExpression, timezone: zone };
}

async function syncMirror(deps: ManageScheduleDeps): Promise<boolean> {
  try {
    await deps.mirror.reconcile();
    return true;
  } catch (err) {
    deps.logger.warn(`Schedule saved, but the job schedulers could not be updated yet (workers retry): ${errorMessage(err)}`);
    return false;
  }
}

export type NewSchedule = Pick<ScheduleFields, 'name' | 'type' | 'cronExpression'> & Partial<ScheduleFields>;

export async function createSchedule(deps: ManageScheduleDeps, input: NewSchedule): Promise<ScheduleChange> {
  const timing = checkedTiming(input.cronExpression, input.timezone ?? null, deps.defaultTimeZone);
  const schedule = await deps.schedules.create({
    name: input.name,
    type: input.type,
    ...timing,
    enabled: input.enabled ?? true,
    retentionDays: input.retentionDays ?? null,
    keepDaily: input.keepDaily ?? 0,
    keepWeekly: input.keepWeekly ?? 0,
    keepMonthly: input.keepMonthly ?? 0,
  });
  deps.logger.info(`Schedule "${schedule.name}" created (${schedule.type}, "${schedule.cronExpression}")`);
  return { schedule, mirrorSynced: await syncMirror(deps) };
}

export async function updateSchedule(deps: ManageScheduleDeps, id: string, changes: Partial<ScheduleFields>): Promise<ScheduleChange> {
  const current = await deps.schedules.findById(id);
  if (!current) throw new AppError(ErrorCode.ScheduleNotFound, 'Schedule not found');
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<ScheduleFields>;
  if (Object.keys(defined).length === 0) throw new AppError(ErrorCode.ValidationFailed, 'Nothing to change: send at least one field');
  if ('cronExpression' in defined || 'timezone' in defined) {
    Object.assign(
      defined,
      checkedTiming(
        defined.cronExpression ?? current.cronExpression,
        defined.timezone !== undefined ? defined.timezone : current.timezone,
        deps.defaultTimeZone,
      ),
    );
  }
  const schedule = await deps.schedules.update(id, defined);
  if (!schedule) throw new AppError(ErrorCode.ScheduleNotFound, 'Schedule not found');
  deps.logger.info(`Schedule "${schedule.name}" changed: ${Object.keys(defined).join(', ')}`);
  return { schedule, mirrorSynced: await syncMirror(deps) };
}

export async function deleteSchedule(deps: ManageScheduleDeps, id: string): Promise<{ mirrorSynced: boolean }> {
  if (!(await deps.schedules.delete(id))) throw new AppError(ErrorCode.ScheduleNotFound, 'Schedule not found');
  deps.logger.info(`Schedule ${id} deleted; its backups now follow BACKUP_RETENTION_DAYS`);
  return { mirrorSynced: await syncMirror(deps) };
}
