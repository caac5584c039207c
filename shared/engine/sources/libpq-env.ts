import type { PostgresConnection } from '../../config/postgres-url';

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
