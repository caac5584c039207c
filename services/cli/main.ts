#!/usr/bin/env node
import 'reflect-metadata';
import { ConfigError } from '../../shared/config';
import { ErrorCode, errorMessage, isAppError } from '../../shared/errors';
import { backupCommand } from './backup.command';
import { CliCommand, UsageError } from './cli-command';
import { decryptCommand } from './decrypt.command';
import { deleteCommand } from './delete.command';
import { importCommand } from './import.command';
import { listCommand } from './list.command';
import { restoreCommand } from './restore.command';
import { rotateKeysCommand } from './rotate-keys.command';
import { verifyCommand } from './verify.command';

const COMMANDS: CliCommand[] = [backupCommand, listCommand, verifyCommand, restoreCommand, deleteCommand, importCommand, decryptCommand, rotateKeysCommand];

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
const EXIT_CONFIG = 78;
/** sysexits EX_TEMPFAIL: a resource is busy, trying again later can succeed. */
const EXIT_TEMPFAIL = 75;
/** 128 + SIGINT, what shells report for a command stopped by Ctrl-C. */
const EXIT_INTERRUPTED = 130;

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  return [
    'Usage: kanbu-backup <command> [options]   (or: npm run -s cli -- <command>)',
    '',
    ...COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Configuration comes from the same environment variables as the services (see .env.example).',
  ].join('\n');
}

/** One line, whatever the error: no stack, no multi-line child output. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : EXIT_USAGE;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`kanbu-backup: unknown command "${name}"\n\n${help()}\n`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`kanbu-backup ${name}: ${err.message}\nUsage: kanbu-backup ${command.usage}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`kanbu-backup ${name}: ${oneLine(err.message)}\n`);
      return EXIT_CONFIG;
    }
    process.stderr.write(`kanbu-backup ${name}: error: ${oneLine(errorMessage(err))}\n`);
    if (isAppError(err) && err.code === ErrorCode.Interrupted) return EXIT_INTERRUPTED;
    return isAppError(err) && err.code === ErrorCode.ResourceLocked ? EXIT_TEMPFAIL : EXIT_FAILURE;
  }
}

/** Exits once stdout is flushed, without waiting for the connections' own shutdown timers (ioredis keeps one for 2 s). */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

main(process.argv.slice(2)).then(exit, (err) => {
  process.stderr.write(`kanbu-backup: error: ${oneLine(errorMessage(err))}\n`);
  exit(EXIT_FAILURE);
});
