import type { Backup } from '../../shared/catalog/entities';
import { BACKUP_TYPES, BackupType } from '../../shared/domain/types';
import { backupDeps } from '../../shared/runtime/use-case-deps';
import { createBackup } from '../../shared/jobs/create-backup';
import { enqueuePrune } from '../../shared/jobs/enqueue-prune';
import { recoverBeforeRun } from '../../shared/jobs/restore/recover-database';
import { createLogger } from '../../shared/logging';
import { enqueue } from '../../shared/queue/enqueue';
import type { JobProgress } from '../../shared/domain/job-progress';
import { backupLockResource } from '../../shared/queue/locks';
import type { Runtime } from '../../shared/runtime/runtime';
import { choice, CliCommand, onePositional, parseCommandArgs, UsageError } from './cli-command';
import { cliConfig, configureCliLogging, lockedError, readyLocks, withRuntime } from './cli-runtime';
import { formatBytes } from './format';
import { runRecorded } from './recorded-run';
import { ProgressDisplay } from './progress-display';

const POLL_MS = 500;

function printBackup(backup: Backup, runtime: Runtime): void {
  process.stdout.write(
    [
      `Backup ${backup.id} completed`,
      `  file      ${runtime.storage.describe(backup.filename)}`,
      `  size      ${formatBytes(backup.sizeBytes)} (${formatBytes(backup.sourceBytes)} before compression)`,
      `  sha256    ${backup.checksum}`,
      `  encrypted ${backup.encrypted ? `yes, key ${backup.encryptionKeyId}` : 'no'}`,
    ].join('\n') + '\n',
  );
}

/**
 * Runs the backup in this process, recorded as an execution with trigger `cli`
 * like any job, under the same lock as the workers' backups; queues retention
 * after it, as a worker does.
 */
async function runHere(runtime: Runtime, type: BackupType): Promise<number> {
  const resource = backupLockResource(runtime.config, type);
  // Without a target, there is nothing to lock: the backup then fails with the real reason.
  if (!resource) return backUpHere(runtime, type);
  return (await readyLocks(runtime)).runIfFree(
    resource,
    () => lockedError(resource, 'or use --queue to have a worker take the backup after it'),
    async (lock) => {
      if (type === 'database') await recoverBeforeRun(runtime, createLogger('CLI'));
      return backUpHere(runtime, type, lock.signal);
    },
  );
}

async function backUpHere(runtime: Runtime, type: BackupType, lockLost?: AbortSignal): Promise<number> {
  const logger = createLogger('CLI');
  const backup = await runRecorded(runtime, { kind: 'backup' }, { type }, lockLost, (execution, onProgress, stop) =>
    createBackup(backupDeps(runtime, logger), {
      type,
      trigger: 'cli',
      executionId: execution.id,
      onProgress,
      onReserved: (reserved) => runtime.executions.linkBackup(execution.id, reserved.id),
      signal: stop,
    }),
  );
  await enqueuePrune(runtime.enqueueDeps, logger, { type, scheduleId: null });
  printBackup(backup, runtime);
  return 0;
}

/** Queues the backup for the workers; with waiting, follows it to the end. */
async function runQueued(runtime: Runtime, type: BackupType, wait: boolean): Promise<number> {
  const job = await enqueue(runtime.enqueueDeps, 'backup', { type, trigger: 'cli' });
  process.stdout.write(`Queued backup job ${job.jobId} (execution ${job.executionId})\n`);
  if (!wait) return 0;
  const display = new ProgressDisplay('backup');
  const queue = runtime.queues.get('backup');
  for (;;) {
    const execution = await runtime.executions.findById(job.executionId);
    const progress = (await queue.getJob(job.jobId))?.progress as JobProgress | undefined;
    if (progress && typeof progress === 'object' && 'stage' in progress) display.update(progress);
    if (execution?.status === 'completed' || execution?.status === 'failed') {
      display.done();
      if (execution.status === 'failed') throw new Error(`Backup job failed: ${execution.error ?? 'see the worker log'}`);
      const backup = execution.backupId ? await runtime.backups.findById(execution.backupId) : null;
      if (backup) printBackup(backup, runtime);
      return 0;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export const backupCommand: CliCommand = {
  name: 'backup',
  usage: 'backup database|source [--queue [--no-wait]] [--verbose]',
  summary: 'Take a backup now, in this process (default) or through the job queue (--queue)',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      queue: { type: 'boolean' },
      'no-wait': { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
    });
    const type = choice<BackupType>(onePositional(positionals, 'backup type (database or source)'), BACKUP_TYPES, 'the backup type')!;
    if (values['no-wait'] && !values.queue) throw new UsageError('--no-wait only applies with --queue');
    configureCliLogging(values.verbose === true);
    return withRuntime(cliConfig(), (runtime) => (values.queue ? runQueued(runtime, type, !values['no-wait']) : runHere(runtime, type)));
  },
};
