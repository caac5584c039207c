import type { BackupType } from '../domain/types';
import { errorMessage } from '../errors';
import type { Logger } from '../logging';
import { enqueue, EnqueueDeps } from '../queue/enqueue';

/**
 * After a successful backup, retention runs for its schedule (or for backups
 * without one), wherever the backup ran: a worker or the CLI.
 */
export async function enqueuePrune(deps: EnqueueDeps, logger: Logger, data: { type: BackupType; scheduleId: string | null }): Promise<void> {
  try {
    await enqueue(deps, 'prune', { ...data, trigger: 'system' });
  } catch (err) {
    // The backup itself succeeded; the next successful backup prunes again.
    logger.warn(`Could not queue retention after the backup: ${errorMessage(err)}`);
  }
}
