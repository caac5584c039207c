import { QueryFailedError } from 'typeorm';

/** A PostgreSQL unique-constraint violation (SQLSTATE 23505): someone else took the name or key first. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof QueryFailedError && (err.driverError as { code?: string } | undefined)?.code === '23505';
}
