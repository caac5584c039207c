import { ErrorCode } from './error-codes';

export interface AppErrorOptions {
  status?: number;
  details?: unknown;
  /** Whether a job failing with this error may succeed when retried (network blips, locks). */
  retryable?: boolean;
  cause?: unknown;
}

/**
 * The one error type of the project. `message` must be safe to show to a client:
 * no secrets, no stack, no internal paths beyond what the operator configured.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? 500;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }

  static badRequest(code: ErrorCode, message: string, details?: unknown): AppError {
    return new AppError(code, message, { status: 400, details });
  }

  static notFound(code: ErrorCode, message: string): AppError {
    return new AppError(code, message, { status: 404 });
  }

  static conflict(code: ErrorCode, message: string, details?: unknown): AppError {
    return new AppError(code, message, { status: 409, details });
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
