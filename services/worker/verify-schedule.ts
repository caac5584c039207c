import type { Queue } from 'bullmq';
import type { VerifyJobData, VerifyMode } from '../../shared/queue/job-payloads';

export const VERIFY_SCHEDULER_ID = 'verify-latest';
export const LATEST_BACKUP = 'latest';

/**
 * Makes the verify queue hold exactly one job scheduler that verifies the
 * newest database backup on `cron` (none when unset). Idempotent: every worker
 * may call it at start; the last configuration wins.
 */
export async function reconcileVerifySchedule(queue: Queue, cron: string | undefined, timeZone: string, mode: VerifyMode): Promise<'scheduled' | 'removed'> {
  if (!cron) {
    await queue.removeJobScheduler(VERIFY_SCHEDULER_ID);
    return 'removed';
  }
  const data: VerifyJobData = { backupId: LATEST_BACKUP, mode, trigger: 'schedule' };
  await queue.upsertJobScheduler(VERIFY_SCHEDULER_ID, { pattern: cron, tz: timeZone }, { name: `verify.${mode}`, data, opts: { attempts: 1 } });
  return 'scheduled';
}
