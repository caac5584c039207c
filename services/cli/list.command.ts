import { BACKUP_STATUSES, BACKUP_TYPES, BackupStatus, BackupType } from '../../shared/domain/types';
import { choice, CliCommand, parseCommandArgs, UsageError } from './cli-command';
import { cliConfig, configureCliLogging, withRuntime } from './cli-runtime';
import { formatBytes, formatTable } from './format';

export const listCommand: CliCommand = {
  name: 'list',
  usage: 'list [--type database|source] [--status <status>] [--limit N] [--json]',
  summary: 'List backups from the catalog, newest first',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      type: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string', default: '50' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const type = choice<BackupType>(values.type, BACKUP_TYPES, '--type');
    const status = choice<BackupStatus>(values.status, BACKUP_STATUSES, '--status');
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit must be a whole number from 1 to 10000');
    configureCliLogging(false);
    const page = await withRuntime(cliConfig(), (runtime) =>
      runtime.backups.list({ page: 1, pageSize: limit, sort: 'createdAt', order: 'DESC', type, status }),
    );
    if (values.json) {
      process.stdout.write(`${JSON.stringify(page.items, null, 2)}\n`);
      return 0;
    }
    const rows = page.items.map((b) => [
      b.createdAt.toISOString().slice(0, 19).replace('T', ' '),
      b.type,
      b.status,
      formatBytes(b.sizeBytes),
      b.encrypted ? (b.encryptionKeyId ?? '?') : '-',
      b.verificationStatus,
      b.id,
      b.filename,
    ]);
    process.stdout.write(`${formatTable(['CREATED (UTC)', 'TYPE', 'STATUS', 'SIZE', 'KEY', 'VERIFIED', 'ID', 'FILE'], rows)}\n`);
    if (page.total > page.items.length) process.stdout.write(`(${page.items.length} of ${page.total}; use --limit to see more)\n`);
    return 0;
  },
};
