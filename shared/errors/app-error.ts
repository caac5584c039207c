import { ErrorCode } from './error-codes';

export interface AppErrorOptions {
  details?: unknown;
  /** Whether a job failing with this error may succeed when retried (network blips, locks). */
  retryable?: boolean;
  cause?: unknown;
}

/**
 * The one error type of the project. `message` must be safe to show to a client:
 * no secrets, no stack, no internal paths beyond what the operator configured.
 * The HTTP status of each code is the API's business (services/api/http-status.ts).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** A short, human-readable reason for any thrown value, for logs and the execution table. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
