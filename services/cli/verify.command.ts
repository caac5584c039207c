import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Backup } from '../../shared/catalog/entities';
import { USABLE_BACKUP_STATUSES } from '../../shared/domain/types';
import { decodeToEnd, DecodeResult, fileInput, storedObjectInput } from '../../shared/engine/decode-pipeline';
import { AppError, ErrorCode } from '../../shared/errors';
import { CliCommand, onePositional, parseCommandArgs } from './cli-command';
import { cliConfig, cliKeyRing, configureCliLogging, withRuntime } from './cli-runtime';
import { formatBytes } from './format';
import { ProgressDisplay } from './progress-display';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function summary(name: string, result: DecodeResult): string {
  const encryption = result.encryption === 'none' ? 'not encrypted' : `${result.encryption === 'v2' ? 'format v2' : 'legacy format'}, key ${result.keyId}`;
  return `OK ${name}: ${encryption}, ${result.compression}, ${formatBytes(result.storedBytes)} stored, ${formatBytes(result.plainBytes)} restored, sha256 ${result.sha256}`;
}

/** A catalog backup: its stored object decoded to the end, the checksum compared with the catalog's. */
async function verifyCatalogBackup(reference: string): Promise<string> {
  return withRuntime(cliConfig(), async (runtime) => {
    const backup: Backup | null = UUID.test(reference) ? await runtime.backups.findById(reference) : await runtime.backups.findByFilename(reference);
    if (!backup) throw new AppError(ErrorCode.BackupNotFound, `No backup ${reference} in the catalog, and no such file`);
    if (!USABLE_BACKUP_STATUSES.includes(backup.status)) {
      throw new AppError(ErrorCode.BackupNotCompleted, `Backup ${backup.filename} is ${backup.status}; there is nothing to verify`);
    }
    const display = new ProgressDisplay('verify');
    const result = await decodeToEnd(storedObjectInput(runtime.storage, backup.filename, backup.sizeBytes ?? undefined), {
      keys: runtime.keys,
      expectedSha256: backup.checksum,
      encrypted: backup.encrypted,
      onProgress: display.update,
    }).finally(() => display.done());
    const checksum = backup.checksum ? 'matches the catalog' : 'the catalog has no checksum to compare';
    return `${summary(backup.filename, result)} (${checksum})`;
  });
}

/** A file on disk, e.g. a downloaded copy: decoded to the end; with no catalog, there is no checksum to compare. */
async function verifyFile(path: string): Promise<string> {
  const display = new ProgressDisplay('verify');
  const result = await decodeToEnd(await fileInput(path), {
    keys: cliKeyRing(),
    encrypted: path.endsWith('.enc') ? true : undefined,
    onProgress: display.update,
  }).finally(() => display.done());
  return summary(basename(path), result);
}

export const verifyCommand: CliCommand = {
  name: 'verify',
  usage: 'verify <backup id | file name in the catalog | path to a file>',
  summary: 'Check a backup end to end: decrypt, checksum (against the catalog), decompress to the last byte',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { verbose: { type: 'boolean', short: 'v' } });
    const target = onePositional(positionals, 'backup id or file');
    configureCliLogging(values.verbose === true);
    const line = !UUID.test(target) && existsSync(target) ? await verifyFile(target) : await verifyCatalogBackup(target);
    process.stdout.write(`${line}\n`);
    return 0;
  },
};
