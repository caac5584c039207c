import { nearestRun } from './cron-schedule';
import type { RetentionPolicy } from './retention-policy';

/** What of a schedule decides its timing and retention (the catalog row has more). */
export interface ScheduleSettings {
  timezone: string | null;
  retentionDays: number | null;
  keepDaily: number;
  keepWeekly: number;
  keepMonthly: number;
}

/** A schedule's zone, or the installation default (BACKUP_CRON_TIMEZONE) when it names none. */
export function scheduleTimeZone(schedule: Pick<ScheduleSettings, 'timezone'> | null, defaultZone: string): string {
  return schedule?.timezone ?? defaultZone;
}

/**
 * The retention of a schedule's backups; backups without a schedule (null) keep
 * BACKUP_RETENTION_DAYS days and no buckets. A schedule without retentionDays uses the default too.
 */
export function schedulePolicy(schedule: ScheduleSettings | null, defaultRetentionDays: number): RetentionPolicy {
  return {
    retentionDays: schedule?.retentionDays ?? defaultRetentionDays,
    keepDaily: schedule?.keepDaily ?? 0,
    keepWeekly: schedule?.keepWeekly ?? 0,
    keepMonthly: schedule?.keepMonthly ?? 0,
  };
}

/**
 * The slot (ISO time of the nearest cron run) a run of a schedule at `at` belongs to.
 * Two runs of one schedule in the same slot are duplicates: only one backs up.
 */
export function scheduleSlot(schedule: Pick<ScheduleSettings, 'timezone'> & { cronExpression: string }, defaultZone: string, at: Date): string {
  return nearestRun(schedule.cronExpression, scheduleTimeZone(schedule, defaultZone), at).toISOString();
}
