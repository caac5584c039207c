import type { Config } from '../../config';
import type { BackupType } from '../../domain/types';
import { AppError, ErrorCode } from '../../errors';
import type { BackupSource } from './backup-source';
import { PgDumpDirectSource } from './pg-dump.source';
import { parsePostgresUrl } from './postgres-connection';

export type SourceFactory = (type: BackupType) => BackupSource;

/** Picks the source for a backup type from the configuration. */
export function createSourceFactory(config: Config): SourceFactory {
  return (type) => {
    if (type === 'source') {
      throw new AppError(ErrorCode.SourceFailed, 'Source-code backups are not available in this version');
    }
    if (config.BACKUP_PG_MODE === 'docker') {
      throw new AppError(ErrorCode.SourceFailed, 'BACKUP_PG_MODE=docker is not available in this version; use direct');
    }
    if (!config.DATABASE_URL) {
      throw new AppError(ErrorCode.DatabaseUrlMissing, 'DATABASE_URL is not set: the worker does not know which database to back up');
    }
    return new PgDumpDirectSource(parsePostgresUrl(config.DATABASE_URL));
  };
}
