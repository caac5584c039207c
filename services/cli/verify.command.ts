import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Backup } from '../../shared/catalog/entities';
import { decodeToEnd, DecodeResult, fileInput } from '../../shared/engine/decode-pipeline';
import { AppError, ErrorCode } from '../../shared/errors';
import { verifyBackup } from '../../shared/jobs/verify-backup';
import { createLogger } from '../../shared/logging';
import { verifyDeps } from '../../shared/runtime/use-case-deps';
import { CliCommand, onePositional, parseCommandArgs } from './cli-command';
import { cliConfig, cliKeyRing, configureCliLogging, withRuntime } from './cli-runtime';
import { formatBytes } from './format';
import { ProgressDisplay } from './progress-display';
import { runRecorded } from './recorded-run';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A catalog backup, exactly as the worker's verify job does it (verifyBackup): every
 * copy read to the end against the catalog checksum, each copy's check and the
 * backup's verdict recorded, under an execution of its own.
 */
async function verifyCatalogBackup(reference: string): Promise<string> {
  return withRuntime(cliConfig(), async (runtime) => {
    const backup: Backup | null = UUID.test(reference) ? await runtime.backups.findById(reference) : await runtime.backups.findByFilename(reference);
    if (!backup) throw new AppError(ErrorCode.BackupNotFound, `No backup ${reference} in the catalog, and no such file`);
    const what = { kind: 'verify' as const, backupId: backup.id, details: { mode: 'checksum' } };
    const { id, result } = await runRecorded(runtime, what, { backupId: backup.id }, undefined, async (execution, onProgress) => {
      const verdict = await verifyBackup(verifyDeps(runtime, createLogger('CLI')), {
        backupId: backup.id,
        executionId: execution.id,
        mode: 'checksum',
        onProgress,
      });
      await runtime.executions.mergeDetails(execution.id, { mode: 'checksum', ...verdict });
      return { id: execution.id, result: verdict };
    });
    const checksum = result.status === 'verified' ? `sha256 ${backup.checksum} matches the catalog` : 'the catalog has no checksum to compare';
    const copies = result.copies.map((c) => c.target).join(', ');
    return `OK ${backup.filename}: ${result.copies.length === 1 ? 'its copy' : `all ${result.copies.length} copies`} (${copies}) decrypted, checked and decompressed, ${checksum}; recorded in the catalog (execution ${id})`;
  });
}

function summary(name: string, result: DecodeResult): string {
  const encryption = result.encryption === 'none' ? 'not encrypted' : `${result.encryption === 'v2' ? 'format v2' : 'legacy format'}, key ${result.keyId}`;
  return `OK ${name}: ${encryption}, ${result.compression}, ${formatBytes(result.storedBytes)} stored, ${formatBytes(result.plainBytes)} restored, sha256 ${result.sha256}`;
}

/** A file on disk, e.g. a downloaded copy: decoded to the end, read-only; with no catalog, there is no checksum to compare. */
async function verifyFile(path: string): Promise<string> {
  const display = new ProgressDisplay('verify');
  const result = await decodeToEnd(await fileInput(path), {
    keys: cliKeyRing(),
    encrypted: path.endsWith('.enc') ? true : undefined,
    onProgress: display.update,
  }).finally(() => display.done());
  return `${summary(basename(path), result)} (a file outside the catalog: decoded read-only, no checksum to compare, nothing recorded)`;
}

export const verifyCommand: CliCommand = {
  name: 'verify',
  usage: 'verify <backup id | file name in the catalog | path to a file>',
  summary: 'Check a backup end to end: decrypt, checksum, decompress to the last byte; every copy of a catalog backup, result recorded',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { verbose: { type: 'boolean', short: 'v' } });
    const target = onePositional(positionals, 'backup id or file');
    configureCliLogging(values.verbose === true);
    const line = !UUID.test(target) && existsSync(target) ? await verifyFile(target) : await verifyCatalogBackup(target);
    process.stdout.write(`${line}\n`);
    return 0;
  },
};
