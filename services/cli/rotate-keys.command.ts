import { rotateKeys } from '../../shared/jobs/rotate-keys';
import { createLogger } from '../../shared/logging';
import { CliCommand, parseCommandArgs, UsageError } from './cli-command';
import { cliConfig, configureCliLogging, withRuntime } from './cli-runtime';
import { ProgressDisplay } from './progress-display';

export const rotateKeysCommand: CliCommand = {
  name: 'rotate-keys',
  usage: 'rotate-keys [--dry-run] [--verbose]',
  summary: 'Re-encrypt every encrypted backup with BACKUP_ENCRYPTION_KEY (old keys from BACKUP_ENCRYPTION_OLD_KEYS)',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { 'dry-run': { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    configureCliLogging(values.verbose === true);
    const config = cliConfig();
    let display: ProgressDisplay | null = null;
    const outcomes = await withRuntime(config, (runtime) =>
      rotateKeys(
        { backups: runtime.backups, copies: runtime.copies, storage: runtime.storage, keys: runtime.keys, logger: createLogger('CLI') },
        {
          dryRun: values['dry-run'],
          onStart: (backup, index, total) => (display = new ProgressDisplay(`[${index + 1}/${total}] ${backup.filename}`)),
          onProgress: (p) => display?.update(p),
          onOutcome: (o) => {
            display?.done();
            const detail = o.status === 'failed' ? `: ${o.error}` : o.status === 'planned' ? ` (${o.from})` : ` (was ${o.from})`;
            process.stdout.write(`${o.status === 'planned' ? 'would re-encrypt' : o.status} ${o.filename}${detail}\n`);
          },
        },
      ),
    );
    const failed = outcomes.filter((o) => o.status === 'failed').length;
    const done = outcomes.filter((o) => o.status === 'rotated').length;
    if (values['dry-run']) process.stdout.write(`${outcomes.length} backup(s) would be re-encrypted\n`);
    else process.stdout.write(`${done} re-encrypted, ${failed} failed; every other encrypted backup already uses the current key\n`);
    return failed > 0 ? 1 : 0;
  },
};
