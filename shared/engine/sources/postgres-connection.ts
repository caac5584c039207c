import { AppError, ErrorCode } from '../../errors';

export interface PostgresConnection {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  sslmode?: string;
}

/** Splits a postgres:// URL into libpq parts; nothing is assumed beyond libpq's own defaults. */
export function parsePostgresUrl(value: string): PostgresConnection {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AppError(ErrorCode.InvalidConfig, 'DATABASE_URL is not a valid URL');
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new AppError(ErrorCode.InvalidConfig, 'DATABASE_URL does not name a database');
  return {
    host: decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username) || 'postgres',
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database,
    sslmode: url.searchParams.get('sslmode') ?? undefined,
  };
}

/**
 * libpq environment for pg_dump/psql: the password travels in PGPASSWORD,
 * never on the command line where `ps` would show it.
 */
export function libpqEnv(conn: PostgresConnection, database = conn.database): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PGHOST: conn.host,
    PGPORT: String(conn.port),
    PGUSER: conn.user,
    PGDATABASE: database,
    PGAPPNAME: 'kanbu-backup',
    PGCONNECT_TIMEOUT: '10',
  };
  if (conn.password !== undefined) env.PGPASSWORD = conn.password;
  if (conn.sslmode) env.PGSSLMODE = conn.sslmode;
  return env;
}

/** A connection string for node-postgres that points at another database on the same server. */
export function withDatabase(conn: PostgresConnection, database: string): PostgresConnection {
  return { ...conn, database };
}
