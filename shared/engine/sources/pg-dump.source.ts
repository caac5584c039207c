import { Client } from 'pg';
import { childOutputStream } from '../process/child-output-stream';
import { BackupSource, OpenedSource } from './backup-source';
import { isTransientPgError } from './pg-dump-errors';
import { assertPgDumpCanDump, pgDumpVersion } from './pg-dump-version';
import { PostgresConnection } from '../../config/postgres-url';
import { libpqEnv } from './libpq-env';

/** Plain SQL that restores into an empty database with `psql`, owned by whoever restores it. */
export const PG_DUMP_ARGS = ['--format=plain', '--no-owner', '--no-privileges', '--clean', '--if-exists', '--quote-all-identifiers'];

export interface ServerFacts {
  serverVersion: string;
  serverVersionNum: number;
  databaseBytes: number;
}

export async function readServerFacts(conn: PostgresConnection): Promise<ServerFacts> {
  const client = new Client({
    host: conn.host,
    port: conn.port,
    user: conn.user,
    password: conn.password,
    database: conn.database,
    ssl: conn.sslmode && conn.sslmode !== 'disable' ? { rejectUnauthorized: conn.sslmode === 'verify-full' } : undefined,
    connectionTimeoutMillis: 10_000,
    application_name: 'kanbu-backup',
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string; num: string; size: string }>(
      `SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num,
              pg_database_size(current_database())::text AS size`,
    );
    return { serverVersion: rows[0].version, serverVersionNum: Number(rows[0].num), databaseBytes: Number(rows[0].size) };
  } finally {
    await client.end();
  }
}

/** `pg_dump` over the network, with the connection taken from DATABASE_URL. */
export class PgDumpDirectSource implements BackupSource {
  readonly type = 'database' as const;
  readonly extension = 'sql';

  constructor(
    readonly conn: PostgresConnection,
    private readonly pgDumpPath = 'pg_dump',
  ) {}

  async open(): Promise<OpenedSource> {
    // Best effort: when the server cannot be asked, pg_dump itself reports why it cannot connect.
    // Asked at once: two round trips in sequence are a fixed cost of every backup.
    const [facts, version] = await Promise.all([readServerFacts(this.conn).catch(() => undefined), pgDumpVersion(this.pgDumpPath)]);
    if (facts && version) assertPgDumpCanDump(version, facts);
    const stream = childOutputStream(this.pgDumpPath, PG_DUMP_ARGS, {
      label: 'pg_dump',
      env: libpqEnv(this.conn),
      isRetryable: isTransientPgError,
    });
    return {
      stream,
      estimatedBytes: facts?.databaseBytes,
      facts: { mode: 'direct', host: this.conn.host, database: this.conn.database, serverVersion: facts?.serverVersion },
    };
  }
}
