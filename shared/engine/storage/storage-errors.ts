import { AppError, ErrorCode, errorMessage } from '../../errors';

/** Filesystem errors that mean "this target cannot take the backup", named for an operator. */
const FILESYSTEM_PROBLEMS: Record<string, string> = {
  ENOSPC: 'has no space left',
  EDQUOT: 'is over its disk quota',
  EROFS: 'is read-only',
  EACCES: 'is not writable (permission denied)',
  EPERM: 'is not writable (operation not permitted)',
};

/**
 * A write error of a storage target as an operator needs it: which target, at
 * which path, what is wrong (`ENOSPC`, `EROFS`, …). Other errors pass unchanged.
 */
export function namedStorageError(target: string, location: string | undefined, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const problem = code ? FILESYSTEM_PROBLEMS[code] : undefined;
  if (!problem) return err;
  return new AppError(
    ErrorCode.StorageUnavailable,
    `Storage target "${target}"${location ? ` (${location})` : ''} ${problem} (${code}): ${errorMessage(err)}`,
    {
      retryable: code === 'ENOSPC' || code === 'EDQUOT',
      cause: err,
    },
  );
}
