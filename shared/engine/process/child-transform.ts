import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import type { ErrorCode } from '../../errors';
import { childEnv } from './child-output-stream';
import { ChildExit, childFailure, exitProblem, spawnProblem, StderrCollector } from './child-failure';

export interface ChildTransformOptions {
  /** Shown in error messages, e.g. `zstd`. */
  label: string;
  env?: NodeJS.ProcessEnv;
  /** Error code of a failure; a source by default. */
  code?: ErrorCode;
  /** Whether a failure with this stderr may go away by itself (server down or busy): then it is retryable. */
  transient?: (stderr: string) => boolean;
}

/**
 * A command used as a stream stage (e.g. `zstd -d`): what is written goes to its
 * stdin, its stdout is what is read. The readable side ends only after the
 * command exited cleanly; a non-zero exit or a signal destroys the stream with
 * the (redacted) stderr. Destroying the stream kills the command. Backpressure
 * holds in both directions.
 */
export class ChildTransform extends Duplex {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly stderr = new StderrCollector();
  private exit: ChildExit | null = null;
  private stdoutEnded = false;

  constructor(
    command: string,
    args: string[],
    private readonly options: ChildTransformOptions,
  ) {
    super({ readableHighWaterMark: 1024 * 1024, writableHighWaterMark: 1024 * 1024 });
    this.child = spawn(command, args, { env: childEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => this.stderr.add(chunk));
    this.child.stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) this.child.stdout.pause();
    });
    this.child.stdout.on('end', () => {
      this.stdoutEnded = true;
      this.settle();
    });
    // A child that dies early breaks its stdin (EPIPE); its exit status says why.
    this.child.stdin.on('error', () => undefined);
    this.child.on('error', (err: NodeJS.ErrnoException) => this.destroy(childFailure(options.label, spawnProblem(command, err), false, options.code)));
    this.child.on('close', (code, signal) => {
      this.exit = { code, signal };
      this.stdoutEnded = true;
      this.settle();
    });
  }

  _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.exit) return callback(this.failure() ?? childFailure(this.options.label, 'exited before reading all its input', false, this.options.code));
    this.child.stdin.write(chunk, (err) => {
      if (!err) return callback();
      this.whenExited(() => callback(this.failure() ?? err));
    });
  }

  _final(callback: (error?: Error | null) => void): void {
    this.child.stdin.end(callback);
  }

  _read(): void {
    this.child.stdout.resume();
  }

  _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.exit) this.child.kill('SIGKILL');
    callback(error);
  }

  private whenExited(then: () => void): void {
    if (this.exit) then();
    else this.child.once('close', then);
  }

  private failure(): Error | null {
    const problem = this.exit ? exitProblem(this.exit, this.stderr) : null;
    return problem ? childFailure(this.options.label, problem, this.options.transient?.(this.stderr.value) ?? false, this.options.code) : null;
  }

  private settle(): void {
    if (!this.stdoutEnded || !this.exit || this.destroyed) return;
    const failure = this.failure();
    if (failure) this.destroy(failure);
    else this.push(null);
  }
}
