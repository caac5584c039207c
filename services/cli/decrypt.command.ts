import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { decodeBackup, DecodeResult, fileInput, StoredInput } from '../../shared/engine/decode-pipeline';
import { oneShotInput } from '../../shared/engine/one-shot-input';
import { AppError, ErrorCode } from '../../shared/errors';
import { CliCommand, onePositional, parseCommandArgs, UsageError } from './cli-command';
import { cliKeyRing, configureCliLogging } from './cli-runtime';
import { ProgressDisplay } from './progress-display';

interface Output {
  stream: Writable;
  /** Makes the output visible under its name (files only). */
  commit(): Promise<void>;
  abort(): Promise<void>;
}

function stdoutOutput(): Output {
  if (process.stdout.isTTY) throw new UsageError('refusing to write binary data to a terminal: use -o FILE or a pipe');
  return { stream: process.stdout, commit: async () => undefined, abort: async () => undefined };
}

/** A file that appears under its name only when complete, and never replaces an existing one. */
function fileOutput(path: string): Output {
  const temp = join(dirname(path), `.${basename(path)}.partial-${randomBytes(4).toString('hex')}`);
  const stream = createWriteStream(temp, { flags: 'wx', mode: 0o600 });
  return {
    stream,
    async commit() {
      try {
        await link(temp, path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new AppError(ErrorCode.ValidationFailed, `${path} already exists; not overwriting it`);
        throw err;
      } finally {
        await unlink(temp).catch(() => undefined);
      }
    },
    abort: () => unlink(temp).catch(() => undefined),
  };
}

async function openInput(file: string): Promise<{ input: StoredInput; cleanup(): Promise<void> }> {
  if (file !== '-') return { input: await fileInput(file), cleanup: async () => undefined };
  return oneShotInput(process.stdin);
}

export const decryptCommand: CliCommand = {
  name: 'decrypt',
  usage: 'decrypt <file|-> [-o <file|->]',
  summary: 'Decrypt a backup (v2 or legacy) to its compressed form: kanbu-backup decrypt f.sql.gz.enc | gunzip | psql',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { output: { type: 'string', short: 'o' }, verbose: { type: 'boolean', short: 'v' } });
    const file = onePositional(positionals, 'file (or - for stdin)');
    configureCliLogging(values.verbose === true);
    const keys = cliKeyRing();
    const output = !values.output || values.output === '-' ? stdoutOutput() : fileOutput(values.output);
    const display = new ProgressDisplay('decrypt');
    let result: DecodeResult;
    const { input, cleanup } = await openInput(file);
    try {
      result = await decodeBackup(input, output.stream, {
        keys,
        output: 'compressed',
        encrypted: file.endsWith('.enc') ? true : undefined,
        onProgress: display.update,
      });
      await output.commit();
    } catch (err) {
      await output.abort();
      throw err;
    } finally {
      display.done();
      await cleanup();
    }
    const how =
      result.encryption === 'none'
        ? 'was not encrypted; copied'
        : `decrypted (${result.encryption === 'v2' ? 'format v2' : 'legacy format'}, key ${result.keyId})`;
    process.stderr.write(`${file === '-' ? 'stdin' : basename(file)} ${how}: ${result.compressedBytes} bytes, sha256 ${result.sha256}\n`);
    return 0;
  },
};
