import type { Queue } from 'bullmq';
import type { AlertEvaluationJobData } from '../../shared/queue/job-payloads';

export const ALERT_SCHEDULER_ID = 'alert-evaluation';
const DAY_SECONDS = 24 * 60 * 60;

/**
 * Makes the notify queue hold exactly one job scheduler for the alert
 * evaluation, every `intervalMinutes` (0 removes it). Upserting is idempotent,
 * so every worker may call this at start; the last configuration wins.
 */
export async function reconcileAlertSchedule(queue: Queue, intervalMinutes: number): Promise<'scheduled' | 'removed'> {
  if (intervalMinutes <= 0) {
    await queue.removeJobScheduler(ALERT_SCHEDULER_ID);
    return 'removed';
  }
  const data: AlertEvaluationJobData = { type: 'alerts', trigger: 'schedule' };
  await queue.upsertJobScheduler(
    ALERT_SCHEDULER_ID,
    { every: intervalMinutes * 60_000 },
    // One attempt: the next evaluation is the retry.
    { name: 'notify.alerts', data, opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { age: 7 * DAY_SECONDS } } },
  );
  return 'scheduled';
}
