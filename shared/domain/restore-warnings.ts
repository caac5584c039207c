import { resolve } from 'node:path';

/** What an operator is told before confirming a database restore (the admin UI and the CLI show the same). */
export function databaseRestoreWarnings(live: string, targetDatabase: string | undefined, keepPrevious: boolean, keepDays: number): string[] {
  if (targetDatabase) return [`The backup will be restored into the new database "${targetDatabase}"; the live database "${live}" is not touched`];
  return [
    `This will replace ALL current data in the database "${live}"`,
    `A pre-restore backup will be created first and protected from retention for ${keepDays} days`,
    `Clients connected to "${live}" will be disconnected while the restored database is swapped in`,
    keepPrevious
      ? `The current database will be kept as "${live}_pre_restore_<time>" until you drop it (DELETE /api/restores/<id>/previous)`
      : 'The current database will be dropped after a successful restore',
  ];
}

/** Before confirming a source-code restore into `targetPath`. */
export function sourceRestoreWarnings(targetPath: string, replaceExisting: boolean, runningCodePath: string): string[] {
  const running = resolve(targetPath) === resolve(runningCodePath);
  if (!replaceExisting) return [`The code will be restored into "${targetPath}", which must be empty or not exist; nothing else is touched`];
  return [
    running ? `This will replace the RUNNING Kanbu code in "${targetPath}"` : `This will replace the contents of "${targetPath}"`,
    `The current contents will be kept as "${targetPath}.pre-restore-<time>"`,
  ];
}

/**
 * Said first when the backup's last verification failed: the restore would most
 * likely be refused when its copy is checked, so only an ask with `force` can be confirmed.
 */
export function failedVerificationWarning(verificationError: string | null, force: boolean): string {
  const why = verificationError ? ` (${verificationError})` : '';
  return force
    ? `The last verification of this backup FAILED${why}; you asked to restore it anyway ("force": true)`
    : `The last verification of this backup FAILED${why}; the restore would most likely be refused. Confirming needs a token asked for with "force": true`;
}
