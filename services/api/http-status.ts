import { ErrorCode } from '../../shared/errors';

/**
 * HTTP statuses chosen by the API for error codes. The codes of browser access live here;
 * the rest still carry their status on the AppError until every code is in this table.
 */
export const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.CrossOriginRefused]: 403,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.SessionNotFound]: 404,
  [ErrorCode.InvalidEventId]: 400,
};

export function httpStatusOf(code: ErrorCode, fallback: number): number {
  return HTTP_STATUS[code] ?? fallback;
}
