import { AppError, ErrorCode } from '../../errors';

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/**
 * Object names come from the catalog, the CLI and sometimes users. Only plain
 * file names are allowed — no separators, no `..`, no NUL, no hidden or
 * temporary names — so nothing can escape the storage root or clash with a
 * write in progress.
 */
export function isSafeName(name: string): boolean {
  return typeof name === 'string' && SAFE_NAME.test(name) && !name.includes('..');
}

export function assertSafeName(name: string): string {
  if (!isSafeName(name)) {
    throw new AppError(ErrorCode.InvalidStorageName, 'Invalid backup file name: only letters, digits, ".", "_" and "-" are allowed, without path separators');
  }
  return name;
}
