import type { Config } from '../../config';
import { AppError, ErrorCode } from '../../errors';
import { DockerCli } from '../sources/docker-cli';
import { discoverPostgresContainer } from '../sources/docker-discovery';
import { containerLogin } from '../sources/docker-exec';
import { isReachable } from '../sources/pg-dump-auto.source';
import { PgDumpDirectSource } from '../sources/pg-dump.source';
import { parsePostgresUrl } from '../../config/postgres-url';
import { DirectPsqlExecutor, DockerPsqlExecutor, PostgresExecutor } from './postgres-executor';

async function docker(config: Config): Promise<DockerPsqlExecutor> {
  const conn = config.DATABASE_URL ? parsePostgresUrl(config.DATABASE_URL) : undefined;
  const options = { container: config.POSTGRES_CONTAINER, pattern: config.POSTGRES_CONTAINER_PATTERN, conn };
  if (conn) return new DockerPsqlExecutor({ ...options, database: conn.database });
  // Without DATABASE_URL the database is the container's POSTGRES_DB, exactly as for backups.
  const cli = new DockerCli();
  const found = await discoverPostgresContainer(cli, options);
  const login = await containerLogin(cli, found.name);
  return new DockerPsqlExecutor({ ...options, container: found.name, database: login.database, docker: cli });
}

/**
 * psql access to the server of the Kanbu database, following BACKUP_PG_MODE
 * the way backups do: direct, docker, or (auto) direct when DATABASE_URL is
 * reachable, else docker.
 */
export async function createPostgresExecutor(config: Config): Promise<PostgresExecutor> {
  if (config.BACKUP_PG_MODE === 'docker') return docker(config);
  if (!config.DATABASE_URL) {
    if (config.BACKUP_PG_MODE === 'auto') return docker(config);
    throw new AppError(ErrorCode.DatabaseUrlMissing, 'DATABASE_URL is not set: the worker does not know which database to restore');
  }
  const conn = parsePostgresUrl(config.DATABASE_URL);
  if (config.BACKUP_PG_MODE === 'auto' && !(await isReachable(new PgDumpDirectSource(conn))).reachable) return docker(config);
  return new DirectPsqlExecutor(conn);
}

/** Where restore tests run: BACKUP_VERIFY_DATABASE_URL when set, else the Kanbu database's server. */
export async function createVerifyExecutor(config: Config): Promise<PostgresExecutor> {
  if (config.BACKUP_VERIFY_DATABASE_URL) return new DirectPsqlExecutor(parsePostgresUrl(config.BACKUP_VERIFY_DATABASE_URL));
  return createPostgresExecutor(config);
}
