import { spawn } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { ChildExit, childFailure, exitProblem, spawnProblem, StderrCollector } from './child-failure';

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
  const stderr = new StderrCollector();
  let bytes = 0;
  let stdoutEnded = false;
  let exit: ChildExit | null = null;

  const fail = (message: string, retryable = false) => {
    out.destroy(childFailure(options.label, message, retryable));
  };

  const settle = () => {
    if (!stdoutEnded || !exit || out.destroyed) return;
    const retryable = options.isRetryable?.(stderr.value) ?? false;
    const problem = exitProblem(exit, stderr);
    if (problem) return fail(problem, retryable);
    if (bytes === 0 && !options.allowEmpty) return fail(`produced no output${stderr.detail}`, retryable);
    out.end();
  };

  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => stderr.add(chunk));
  child.stdout.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  child.stdout.pipe(out, { end: false });
  child.stdout.on('end', () => {
    stdoutEnded = true;
    settle();
  });
  child.on('error', (err: NodeJS.ErrnoException) => fail(spawnProblem(command, err)));
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
