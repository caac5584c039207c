import { AppError, ErrorCode } from '../../shared/errors';
import { CopyRotation, rotateKeys, RotationOutcome } from '../../shared/jobs/rotate-keys';
import { createLogger } from '../../shared/logging';
import { CliCommand, parseCommandArgs, UsageError } from './cli-command';
import { cliConfig, configureCliLogging, readyLocks, withRuntime } from './cli-runtime';
import { ProgressDisplay } from './progress-display';

/** One rotation at a time: a second one would remove the first one's staged and kept objects as leftovers. */
const ROTATION_LOCK = 'rotate-keys';

function copyNotes(copies: CopyRotation[]): string {
  return copies
    .filter((c) => c.status === 'skipped')
    .map((c) => `; ${c.target} skipped (${c.detail})`)
    .join('');
}

/** One line per backup: what happened, on which targets. */
function describeOutcome(o: RotationOutcome): string {
  const targets = o.copies
    .filter((c) => c.status === 'planned' || c.status === 'rotated')
    .map((c) => c.target)
    .join(', ');
  if (o.status === 'failed') return `failed ${o.filename}: ${o.error}`;
  if (o.status === 'deleted') return `skipped ${o.filename}: it was deleted while it was being re-encrypted`;
  if (o.status === 'rotated') return `rotated ${o.filename} (was ${o.from}) on ${targets}${copyNotes(o.copies)}`;
  const blocked = o.copies
    .filter((c) => c.status === 'failed')
    .map((c) => `; cannot: ${c.target}: ${c.detail}`)
    .join('');
  return `would re-encrypt ${o.filename} (${o.from}) on ${targets || 'no target'}${copyNotes(o.copies)}${blocked}`;
}

export const rotateKeysCommand: CliCommand = {
  name: 'rotate-keys',
  usage: 'rotate-keys [--dry-run] [--verbose]',
  summary: 'Re-encrypt every copy of every encrypted backup with BACKUP_ENCRYPTION_KEY (old keys from BACKUP_ENCRYPTION_OLD_KEYS)',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { 'dry-run': { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    configureCliLogging(values.verbose === true);
    const config = cliConfig();
    let display: ProgressDisplay | null = null;
    const busy = () => new AppError(ErrorCode.ResourceLocked, 'Another key rotation is running; try again when it is done', { retryable: true });
    const outcomes = await withRuntime(config, async (runtime) => {
      const rotate = () =>
        rotateKeys(
          { backups: runtime.backups, copies: runtime.copies, targets: runtime.targets, keys: runtime.keys, logger: createLogger('CLI') },
          {
            dryRun: values['dry-run'],
            onStart: (backup, index, total) => (display = new ProgressDisplay(`[${index + 1}/${total}] ${backup.filename}`)),
            onProgress: (p) => display?.update(p),
            onOutcome: (o) => {
              display?.done();
              process.stdout.write(`${describeOutcome(o)}\n`);
            },
          },
        );
      return values['dry-run'] ? rotate() : (await readyLocks(runtime)).runIfFree(ROTATION_LOCK, busy, rotate);
    });
    const failed = outcomes.filter((o) => o.status === 'failed').length;
    const done = outcomes.filter((o) => o.status === 'rotated').length;
    if (values['dry-run']) process.stdout.write(`${outcomes.length} backup(s) would be re-encrypted\n`);
    else process.stdout.write(`${done} re-encrypted, ${failed} failed; every other encrypted backup already uses the current key\n`);
    if (failed > 0 && !values['dry-run']) process.stdout.write('Keep the old keys in BACKUP_ENCRYPTION_OLD_KEYS: the failed backups are still under them.\n');
    return failed > 0 ? 1 : 0;
  },
};
