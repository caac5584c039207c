import type { NextFunction, Request, Response } from 'express';
import { createLogger } from '../../../shared/logging';

const logger = createLogger('API');

/** One line per request: method, path (no query string: it may carry ids only, but keep logs lean), status, time. */
export function requestLog(req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    logger.http(`${req.method} ${req.path} ${res.statusCode} ${ms.toFixed(1)}ms`);
  });
  next();
}
