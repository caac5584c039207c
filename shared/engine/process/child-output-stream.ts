import { spawn } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { AppError, ErrorCode } from '../../errors';
import { redact } from '../../logging/redact';

const STDERR_LIMIT = 16 * 1024;

/** Children get only what they need: our own secrets (API keys, encryption keys) stay in this process. */
const INHERITED_ENV = /^(PATH|HOME|USER|LANG|LC_[A-Z]+|TZ|TMPDIR|DOCKER_HOST|DOCKER_CONFIG|DOCKER_CONTEXT|DOCKER_CERT_PATH|DOCKER_TLS_VERIFY)$/;

export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (INHERITED_ENV.test(key)) env[key] = value;
  return { ...env, ...extra };
}

export interface ChildOutputOptions {
  /** Shown in error messages, e.g. `pg_dump`. */
  label: string;
  /** Extra environment (passwords go here, never in argv), added to a minimal inherited one. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** An exit without any output is a failure unless allowed. */
  allowEmpty?: boolean;
  /** Decides whether a failure is worth retrying, from the child's stderr. */
  isRetryable?: (stderr: string) => boolean;
}

/**
 * Runs a command and exposes its stdout as a stream that ends only when the
 * process exited successfully. A non-zero exit, a signal or an empty output
 * destroys the stream with an error carrying the (redacted) stderr, so a
 * `pipeline` consuming it fails instead of committing a truncated backup.
 * Destroying the stream kills the process.
 */
export function childOutputStream(command: string, args: string[], options: ChildOutputOptions): Readable {
  const child = spawn(command, args, {
    env: childEnv(options.env),
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = new PassThrough({ highWaterMark: 1024 * 1024 });
  let stderr = '';
  let bytes = 0;
  let stdoutEnded = false;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  const fail = (message: string, retryable = false) => {
    out.destroy(new AppError(ErrorCode.SourceFailed, redact(message), { retryable }));
  };

  const settle = () => {
    if (!stdoutEnded || !exit || out.destroyed) return;
    const detail = stderr.trim() ? `: ${stderr.trim()}` : '';
    const retryable = options.isRetryable?.(stderr) ?? false;
    if (exit.signal) return fail(`${options.label} was killed by ${exit.signal}${detail}`, retryable);
    if (exit.code !== 0) return fail(`${options.label} exited with code ${exit.code}${detail}`, retryable);
    if (bytes === 0 && !options.allowEmpty) return fail(`${options.label} produced no output${detail}`, retryable);
    out.end();
  };

  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += chunk.slice(0, STDERR_LIMIT - stderr.length);
  });
  child.stdout.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  child.stdout.pipe(out, { end: false });
  child.stdout.on('end', () => {
    stdoutEnded = true;
    settle();
  });
  child.on('error', (err: NodeJS.ErrnoException) => {
    const reason = err.code === 'ENOENT' ? `${command} is not installed or not on PATH` : err.message;
    fail(`${options.label} could not be started: ${reason}`);
  });
  child.on('close', (code, signal) => {
    exit = { code, signal };
    stdoutEnded = true;
    settle();
  });
  out.on('close', () => {
    if (exit === null) child.kill('SIGTERM');
  });
  // A child can fail before anyone consumes the stream (e.g. while the storage writer is being
  // opened). The error stays on the stream and rejects the pipeline attached later; without a
  // listener it would be an uncaught exception that kills the worker.
  out.on('error', () => undefined);
  return out;
}
