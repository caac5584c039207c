import type { ExecutionRepository, NotificationDeliveryRepository } from '../catalog/repositories';

const DAY_MS = 24 * 3600 * 1000;

export interface HistoryPruned {
  executions: number;
  deliveries: number;
}

/** Keeps the job history and delivery log from growing forever: BACKUP_HISTORY_DAYS, 0 = keep all. */
export async function pruneHistory(
  deps: { executions: ExecutionRepository; deliveries: NotificationDeliveryRepository },
  historyDays: number,
  now = new Date(),
): Promise<HistoryPruned> {
  if (historyDays <= 0) return { executions: 0, deliveries: 0 };
  const cutoff = new Date(now.getTime() - historyDays * DAY_MS);
  return { executions: await deps.executions.deleteFinishedBefore(cutoff), deliveries: await deps.deliveries.deleteBefore(cutoff) };
}
