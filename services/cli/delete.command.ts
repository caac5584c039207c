import { BULK_DELETE_MAX_IDS, bulkDeleteBackups } from '../../shared/jobs/bulk-delete-backups';
import { createLogger } from '../../shared/logging';
import { CliCommand, parseCommandArgs, UsageError } from './cli-command';
import { cliConfig, configureCliLogging, withRuntime } from './cli-runtime';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `kanbu-backup delete ID…`: the same use case and rules as POST /api/backups/bulk-delete; exit 1 when any id was refused. */
export const deleteCommand: CliCommand = {
  name: 'delete',
  usage: 'delete <backup id>... [--json]',
  summary: 'Delete backups and all their copies (never protected or last usable ones)',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' } });
    if (positionals.length === 0) throw new UsageError('expected at least one backup id');
    if (positionals.length > BULK_DELETE_MAX_IDS) throw new UsageError(`at most ${BULK_DELETE_MAX_IDS} backup ids at once`);
    const bad = positionals.find((id) => !UUID.test(id));
    if (bad) throw new UsageError(`"${bad}" is not a backup id (UUID)`);
    configureCliLogging(values.verbose === true);
    const results = await withRuntime(cliConfig(), (runtime) =>
      bulkDeleteBackups({ backups: runtime.backups, copies: runtime.copies, targets: runtime.targets, logger: createLogger('CLI') }, positionals),
    );
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
    } else {
      for (const r of results) {
        process.stdout.write(r.status === 'deleted' ? `deleted  ${r.id} ${r.filename}\n` : `refused  ${r.id} ${r.code}: ${r.message}\n`);
      }
    }
    return results.every((r) => r.status === 'deleted') ? 0 : 1;
  },
};
