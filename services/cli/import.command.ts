import { importBackups } from '../../shared/jobs/import-backups';
import { createLogger } from '../../shared/logging';
import { CliCommand, parseCommandArgs, UsageError } from './cli-command';
import { cliConfig, configureCliLogging, withRuntime } from './cli-runtime';

/** `kanbu-backup import [--target NAME]`: adopts backup files the catalog does not know (e.g. Kanbu's earlier backups). */
export const importCommand: CliCommand = {
  name: 'import',
  usage: 'import [--target NAME] [--json]',
  summary: 'Adopt backup files on a storage target that the catalog does not know',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      target: { type: 'string' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    configureCliLogging(values.verbose === true);
    const result = await withRuntime(cliConfig(), (runtime) =>
      importBackups({ backups: runtime.backups, copies: runtime.copies, targets: runtime.targets, logger: createLogger('CLI') }, { target: values.target }),
    );
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    for (const added of result.added) process.stdout.write(`added      ${added.id} ${added.filename}\n`);
    for (const name of result.collisions) process.stdout.write(`collision  ${name}: the catalog has another backup of that name; left alone\n`);
    process.stdout.write(
      `${result.target}: added ${result.added.length}, already known ${result.alreadyKnown}, ` +
        `collisions ${result.collisions.length}, other objects ${result.ignored}\n`,
    );
    return 0;
  },
};
