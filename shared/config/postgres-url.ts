import { AppError, ErrorCode } from '../errors';

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
