import { ErrorCode, errorMessage, isAppError } from '../errors';

/**
 * Whether an error says the stored bytes themselves are bad — failed
 * authentication, a checksum mismatch, a damaged compressed stream — as
 * opposed to storage or a server being unreachable (worth another try).
 */
export function isCorruptionError(err: unknown): boolean {
  if (isAppError(err)) return err.code === ErrorCode.CorruptBackup || err.code === ErrorCode.ChecksumMismatch;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (typeof code === 'string' && code.startsWith('Z_')) || /unexpected end of file|incorrect header check/i.test(errorMessage(err));
}
