import { basename } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { isUUID } from 'class-validator';
import { BACKUP_TYPES, BackupType } from '../../shared/domain/types';
import { databaseRestoreWarnings, sourceRestoreWarnings } from '../../shared/domain/restore-warnings';
import { AppError, ErrorCode } from '../../shared/errors';
import { parseBackupFileName } from '../../shared/engine/backup-naming';
import { parsePostgresUrl } from '../../shared/config/postgres-url';
import { catalogRestoreInput, fileRestoreInput, loadRestorableBackup } from '../../shared/jobs/restore/restore-input';
import { PLAIN_DATABASE_NAME, PLAIN_DATABASE_NAME_RULE } from '../../shared/jobs/restore/restore-names';
import { checkSourceRestoreTarget, restoreLockResource, RestoreOrder, runRestore } from '../../shared/jobs/restore/run-restore';
import { createLogger } from '../../shared/logging';
import type { Runtime } from '../../shared/runtime/runtime';
import { restoreDeps } from '../../shared/runtime/use-case-deps';
import { choice, CliCommand, onePositional, parseCommandArgs, UsageError } from './cli-command';
import { cliConfig, configureCliLogging, lockedError, readyLocks, withRuntime } from './cli-runtime';
import { runRecorded } from './recorded-run';

interface RestoreOptions {
  targetDatabase?: string;
  targetPath?: string;
  replaceExisting: boolean;
  keepPrevious: boolean;
  type?: BackupType;
  yes: boolean;
}

/** A catalog backup by id, or a file (type from --type or its name, e.g. one made by Kanbu's earlier backup function). */
async function orderFor(runtime: Runtime, what: string, options: RestoreOptions): Promise<RestoreOrder> {
  const target = {
    targetDatabase: options.targetDatabase,
    targetPath: options.targetPath,
    replaceExisting: options.replaceExisting,
    keepPrevious: options.keepPrevious,
  };
  if (isUUID(what)) {
    const backup = await loadRestorableBackup(runtime.backups, runtime.keys, what, undefined);
    return { from: catalogRestoreInput(runtime.reader, backup), type: backup.type, backupId: backup.id, ...target };
  }
  const type = options.type ?? parseBackupFileName(basename(what))?.type;
  if (!type) throw new UsageError(`cannot tell from the name of ${what} whether it is a database or a source backup; pass --type database|source`);
  return { from: fileRestoreInput(what), type, ...target };
}

function checkOptions(runtime: Runtime, order: RestoreOrder): void {
  if (order.type === 'source') {
    if (!order.targetPath) throw new UsageError('a source backup restores into a directory: pass --target-path DIR');
    if (order.targetDatabase) throw new UsageError('--target-database is for database backups');
    checkSourceRestoreTarget(runtime.config, order.targetPath);
  } else if (order.targetPath || order.replaceExisting) {
    throw new UsageError('--target-path and --replace-existing are for source backups');
  }
}

function warningsFor(runtime: Runtime, order: RestoreOrder): { target: string; warnings: string[] } {
  if (order.type === 'source') {
    return { target: order.targetPath!, warnings: sourceRestoreWarnings(order.targetPath!, order.replaceExisting ?? false, runtime.config.KANBU_SOURCE_PATH) };
  }
  const live = runtime.config.DATABASE_URL ? parsePostgresUrl(runtime.config.DATABASE_URL).database : 'the Kanbu database';
  return {
    target: order.targetDatabase ?? live,
    warnings: databaseRestoreWarnings(live, order.targetDatabase, order.keepPrevious, runtime.config.BACKUP_PRE_RESTORE_KEEP_DAYS),
  };
}

/** The same confirmation as the admin UI: the warnings, then typing the target's name (or --yes for scripts). */
async function confirm(order: RestoreOrder, target: string, warnings: string[], yes: boolean): Promise<void> {
  process.stderr.write(`Restore ${order.from.label} (${order.type}) into ${target}\n${warnings.map((w) => `  ! ${w}`).join('\n')}\n`);
  if (yes) return;
  if (!process.stdin.isTTY) throw new UsageError('refusing to restore without confirmation: not a terminal; pass --yes');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Type "${target}" to restore: `);
    if (answer.trim() !== target) throw new AppError(ErrorCode.ValidationFailed, 'Not confirmed; nothing was changed');
  } finally {
    rl.close();
  }
}

async function restoreHere(runtime: Runtime, order: RestoreOrder, lockLost?: AbortSignal): Promise<number> {
  const what = { kind: 'restore' as const, backupId: order.backupId ?? null, details: { from: order.from.label } };
  const { id, result } = await runRecorded(runtime, what, { backupId: order.backupId, type: order.type }, lockLost, async (execution, onProgress, stop) => ({
    id: execution.id,
    result: await runRestore(restoreDeps(runtime), order, { executionId: execution.id, logger: createLogger('CLI'), onProgress, signal: stop }),
  }));
  process.stdout.write(
    `Restore ${id} completed\n${Object.entries(result)
      .map(([k, v]) => `  ${k.padEnd(19)} ${v ?? '-'}`)
      .join('\n')}\n`,
  );
  return 0;
}

export const restoreCommand: CliCommand = {
  name: 'restore',
  usage: 'restore <backup-id|file> [--target-database NAME | --target-path DIR [--replace-existing]] [--drop-previous] [--type database|source] [--yes]',
  summary: 'Restore a backup in this process, with the same checks and confirmation as the API',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      'target-database': { type: 'string' },
      'target-path': { type: 'string' },
      'replace-existing': { type: 'boolean' },
      'drop-previous': { type: 'boolean' },
      type: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      verbose: { type: 'boolean', short: 'v' },
    });
    const what = onePositional(positionals, 'backup id or file');
    const options: RestoreOptions = {
      targetDatabase: values['target-database'],
      targetPath: values['target-path'],
      replaceExisting: values['replace-existing'] === true,
      keepPrevious: values['drop-previous'] !== true,
      type: choice<BackupType>(values.type, BACKUP_TYPES, '--type'),
      yes: values.yes === true,
    };
    if (options.targetDatabase && !PLAIN_DATABASE_NAME.test(options.targetDatabase)) {
      throw new UsageError(`--target-database must be ${PLAIN_DATABASE_NAME_RULE}`);
    }
    configureCliLogging(values.verbose === true);
    return withRuntime(cliConfig(), async (runtime) => {
      const order = await orderFor(runtime, what, options);
      checkOptions(runtime, order);
      const { target, warnings } = warningsFor(runtime, order);
      await confirm(order, target, warnings, options.yes);
      const resource = restoreLockResource(runtime.config, order);
      if (!resource) return restoreHere(runtime, order);
      return (await readyLocks(runtime)).runIfFree(
        resource,
        () => lockedError(resource),
        (lock) => restoreHere(runtime, order, lock.signal),
      );
    });
  },
};
