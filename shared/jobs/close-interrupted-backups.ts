import type { BackupCopyRepository, BackupRepository } from '../catalog/repositories';
import { errorMessage } from '../errors';
import type { Logger } from '../logging';
import type { StorageTargets } from '../engine/storage/storage-targets';

export const INTERRUPTED_REASON = 'interrupted: worker lost';

export interface CloseInterruptedDeps {
  backups: BackupRepository;
  copies: BackupCopyRepository;
  targets: StorageTargets;
  logger: Logger;
}

/**
 * Ends the backups that dead attempts of an execution left `running`: each is
 * `failed` ("interrupted: worker lost"), its `writing` copies too, and the
 * temporary files of its writes are removed now rather than by the stale-write
 * sweep hours later. Call it only while holding the lock those backups ran
 * under: then no live writer of them can exist. Returns the backups it closed.
 */
export async function closeInterruptedBackups(deps: CloseInterruptedDeps, executionId: string): Promise<string[]> {
  const closed: string[] = [];
  for (const backup of await deps.backups.runningOfExecution(executionId)) {
    for (const copy of await deps.copies.forBackup(backup.id)) {
      if (copy.status !== 'writing') continue;
      const target = deps.targets.get(copy.target);
      const removed = await target?.removeStaleWrites(new Date(), copy.location).catch((err) => {
        deps.logger.warn(`Could not remove the temporary files of ${copy.location} on ${copy.target} (the stale-write sweep retries): ${errorMessage(err)}`);
        return 0;
      });
      await deps.copies.markFailed(copy.id, INTERRUPTED_REASON);
      if (removed) deps.logger.info(`Removed ${removed} temporary file(s) of the interrupted backup ${backup.filename} on ${copy.target}`);
    }
    await deps.backups.markFailed(backup.id, INTERRUPTED_REASON, Date.now() - backup.createdAt.getTime());
    deps.logger.warn(`Backup ${backup.filename} was ${INTERRUPTED_REASON}; marked failed`);
    closed.push(backup.id);
  }
  return closed;
}
