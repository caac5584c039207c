import { isUUID } from 'class-validator';
import { AppError, ErrorCode } from '../../../shared/errors';

export function uuidParam(value: string | string[] | undefined, what: string): string {
  if (typeof value !== 'string' || !isUUID(value)) {
    throw new AppError(ErrorCode.ValidationFailed, `${what} id must be a UUID`);
  }
  return value;
}
