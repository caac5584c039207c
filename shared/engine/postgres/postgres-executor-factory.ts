import type { Config } from '../../config';
import { AppError, ErrorCode } from '../../errors';
import { parsePostgresUrl } from '../sources/postgres-connection';
import { DirectPsqlExecutor, PostgresExecutor } from './postgres-executor';

/** psql access to the server of the Kanbu database, following BACKUP_PG_MODE. */
export function createPostgresExecutor(config: Config): PostgresExecutor {
  if (config.BACKUP_PG_MODE === 'docker') {
    throw new AppError(ErrorCode.InvalidConfig, 'BACKUP_PG_MODE=docker is not available in this version; use direct');
  }
  if (!config.DATABASE_URL) {
    throw new AppError(ErrorCode.DatabaseUrlMissing, 'DATABASE_URL is not set: the worker does not know which database to restore');
  }
  return new DirectPsqlExecutor(parsePostgresUrl(config.DATABASE_URL));
}

/** Where restore tests run: BACKUP_VERIFY_DATABASE_URL when set, else the Kanbu database's server. */
export function createVerifyExecutor(config: Config): PostgresExecutor {
  if (config.BACKUP_VERIFY_DATABASE_URL) return new DirectPsqlExecutor(parsePostgresUrl(config.BACKUP_VERIFY_DATABASE_URL));
  return createPostgresExecutor(config);
}
