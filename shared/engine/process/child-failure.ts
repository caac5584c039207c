import { AppError, ErrorCode } from '../../errors';
import { redact } from '../../logging/redact';

const STDERR_LIMIT = 16 * 1024;

/** Keeps the first 16 KiB a child writes to stderr, for the error message. */
export class StderrCollector {
  private text = '';

  add(chunk: string): void {
    if (this.text.length < STDERR_LIMIT) this.text += chunk.slice(0, STDERR_LIMIT - this.text.length);
  }

  get value(): string {
    return this.text;
  }

  /** `: <stderr>` or nothing, to append to a message. */
  get detail(): string {
    const trimmed = this.text.trim();
    return trimmed ? `: ${trimmed}` : '';
  }
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The one error of a failed child: the (redacted) reason and stderr, with a retry verdict. */
export function childFailure(label: string, message: string, retryable = false, code = ErrorCode.SourceFailed): AppError {
  return new AppError(code, redact(`${label} ${message}`), { retryable });
}

/** Null when the exit was clean, otherwise why it was not. */
export function exitProblem(exit: ChildExit, stderr: StderrCollector): string | null {
  if (exit.signal) return `was killed by ${exit.signal}${stderr.detail}`;
  if (exit.code !== 0) return `exited with code ${exit.code}${stderr.detail}`;
  return null;
}

export function spawnProblem(command: string, err: NodeJS.ErrnoException): string {
  return `could not be started: ${err.code === 'ENOENT' ? `${command} is not installed or not on PATH` : err.message}`;
}
