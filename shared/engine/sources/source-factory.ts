import { relative, resolve } from 'node:path';
import type { Config } from '../../config';
import type { BackupType } from '../../domain/types';
import { AppError, ErrorCode } from '../../errors';
import type { BackupSource } from './backup-source';
import { sourceExcludes } from './exclude-patterns';
import { PgDumpAutoSource } from './pg-dump-auto.source';
import { PgDumpDockerSource } from './pg-dump-docker.source';
import { PgDumpDirectSource } from './pg-dump.source';
import { parsePostgresUrl } from '../../config/postgres-url';
import { TarSource } from './tar.source';

export type SourceFactory = (type: BackupType) => BackupSource;

/** The backup directory, when it lies inside the code base, so source backups never contain earlier backups. */
function backupDirInside(config: Config): string[] {
  const inside = relative(resolve(config.KANBU_SOURCE_PATH), resolve(config.BACKUP_LOCAL_PATH));
  return inside && !inside.startsWith('..') && !inside.startsWith('/') ? [`/${inside}/`] : [];
}

/** Picks the source for a backup type from the configuration. */
export function createSourceFactory(config: Config): SourceFactory {
  return (type) => {
    if (type === 'source') {
      return new TarSource(config.KANBU_SOURCE_PATH, sourceExcludes(config.BACKUP_SOURCE_EXCLUDE, backupDirInside(config)));
    }
    const conn = config.DATABASE_URL ? parsePostgresUrl(config.DATABASE_URL) : undefined;
    const docker = () => new PgDumpDockerSource({ container: config.POSTGRES_CONTAINER, pattern: config.POSTGRES_CONTAINER_PATTERN, conn });
    switch (config.BACKUP_PG_MODE) {
      case 'docker':
        return docker();
      case 'auto':
        return new PgDumpAutoSource(conn ? new PgDumpDirectSource(conn) : null, docker());
      default:
        if (!conn) throw new AppError(ErrorCode.DatabaseUrlMissing, 'DATABASE_URL is not set: the worker does not know which database to back up');
        return new PgDumpDirectSource(conn);
    }
  };
}
