import { Writable } from 'node:stream';
import { ErrorCode } from '../../errors';
import { ChildTransform } from '../process/child-transform';
import { isTransientPgError } from '../sources/pg-dump-errors';
import { PostgresConnection } from '../../config/postgres-url';
import { libpqEnv } from '../sources/libpq-env';

/** How to start psql for one database: the command (psql, or docker exec … psql), its arguments and environment. */
export interface PsqlInvocation {
  command: string;
  /** Arguments before psql's own options (e.g. `exec -i -e PGUSER … container psql`); empty for a plain psql. */
  args: string[];
  env: NodeJS.ProcessEnv;
}

export const PSQL_SCRIPT_ARGS = ['-X', '-q', '-v', 'ON_ERROR_STOP=1'];

/** psql on this host, connected with libpq settings (the password in PGPASSWORD). */
export function localPsql(conn: PostgresConnection, database = conn.database, psqlPath = 'psql'): PsqlInvocation {
  return { command: psqlPath, args: [], env: libpqEnv(conn, database) };
}

/**
 * Applies a plain SQL stream to a database with `psql -v ON_ERROR_STOP=1`, as
 * one transaction. The sink finishes only when psql exited cleanly; the first
 * SQL error fails it with psql's message. When the upstream fails (a checksum
 * mismatch, a bad chunk), psql is killed before it could see an end of input,
 * so a partial script is never committed: the server rolls it back.
 */
export class PsqlSink extends Writable {
  private readonly psql: ChildTransform;

  constructor(target: PostgresConnection | PsqlInvocation) {
    super({ highWaterMark: 1024 * 1024 });
    const run = 'command' in target ? target : localPsql(target);
    this.psql = new ChildTransform(run.command, [...run.args, ...PSQL_SCRIPT_ARGS, '--single-transaction'], {
      label: 'psql',
      env: run.env,
      code: ErrorCode.RestoreFailed,
      transient: isTransientPgError,
    });
    this.psql.on('error', (err) => this.destroy(err));
    // What psql prints on stdout (set_config results) is not needed.
    this.psql.resume();
  }

  _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.psql.write(chunk)) callback();
    else this.psql.once('drain', () => callback());
  }

  _final(callback: (error?: Error | null) => void): void {
    this.psql.once('end', () => callback());
    this.psql.end();
  }

  _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.psql.destroy();
    callback(error);
  }
}
