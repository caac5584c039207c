import type { NextFunction, Request, Response } from 'express';
import { AppError, ErrorCode, isAppError } from '../../../shared/errors';
import { createLogger } from '../../../shared/logging';
import { HTTP_STATUS } from '../http-status';

const logger = createLogger('API');

interface HttpParserError {
  type?: string;
  status?: number;
}

/** Body-parser and other middleware errors → our codes; never a stack trace to the client. */
function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const parserError = err as HttpParserError;
  if (parserError?.type === 'entity.parse.failed') return new AppError(ErrorCode.InvalidJson, 'Request body is not valid JSON');
  if (parserError?.type === 'entity.too.large') return new AppError(ErrorCode.PayloadTooLarge, 'Request body is too large');
  // Any other unreadable body (an unsupported charset or encoding, an aborted upload).
  if (parserError?.status && parserError.status >= 400 && parserError.status < 500) {
    return new AppError(ErrorCode.ValidationFailed, 'The request could not be read');
  }
  return new AppError(ErrorCode.Internal, 'Internal server error', { cause: err });
}

export function errorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(err);
  const appError = toAppError(err);
  const status = HTTP_STATUS[appError.code];
  if (status >= 500) {
    const cause = appError.code === ErrorCode.Internal ? err : appError;
    logger.error(`${req.method} ${req.path} failed: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
  }
  const body: { code: string; message: string; details?: unknown } = { code: appError.code, message: appError.message };
  if (appError.details !== undefined) body.details = appError.details;
  res.status(status).json({ error: body });
}

export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(new AppError(ErrorCode.RouteNotFound, `No route for ${req.method} ${req.path}`));
}
