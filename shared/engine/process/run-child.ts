import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, ErrorCode } from '../../errors';
import { redact } from '../../logging/redact';
import { childEnv } from './child-output-stream';

const STDERR_LIMIT = 16 * 1024;
const STDOUT_LIMIT = 4 * 1024 * 1024;

export interface RunChildOptions {
  /** Shown in error messages, e.g. `psql`. */
  label: string;
  /** Extra environment (passwords go here, never in argv). */
  env?: NodeJS.ProcessEnv;
  /** Streamed to the child's stdin (e.g. a decoded SQL dump). */
  input?: Readable;
  code?: ErrorCode;
}

/**
 * Runs a command to completion and returns its (bounded) stdout. A non-zero
 * exit or a signal rejects with the redacted stderr. When `input` fails (say a
 * checksum mismatch half-way), the child is killed and that error wins.
 */
export function runChild(command: string, args: string[], options: RunChildOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: childEnv(options.env), stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let inputError: unknown;
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      if (stdout.length < STDOUT_LIMIT) stdout += d;
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      if (stderr.length < STDERR_LIMIT) stderr += d.slice(0, STDERR_LIMIT - stderr.length);
    });
    if (options.input) {
      pipeline(options.input, child.stdin!).catch((err: NodeJS.ErrnoException) => {
        // EPIPE means the child stopped reading: its own exit status tells why.
        if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
        inputError = err;
        child.kill('SIGTERM');
      });
    }
    child.on('error', (err: NodeJS.ErrnoException) => {
      const reason = err.code === 'ENOENT' ? `${command} is not installed or not on PATH` : err.message;
      reject(new AppError(options.code ?? ErrorCode.CommandFailed, `${options.label} could not be started: ${reason}`));
    });
    child.on('close', (code, signal) => {
      if (inputError) return reject(inputError);
      if (code === 0) return resolve(stdout);
      const detail = stderr.trim() ? `: ${stderr.trim()}` : '';
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new AppError(options.code ?? ErrorCode.CommandFailed, redact(`${options.label} ${how}${detail}`)));
    });
  });
}
