import type { Readable } from 'node:stream';
import { ErrorCode } from '../../errors';
import { runChild } from '../process/run-child';
import { libpqEnv, PostgresConnection } from '../sources/postgres-connection';

/**
 * Runs SQL on the server that holds the Kanbu database, by way of `psql`, so
 * the same code works over the network (direct mode) and inside a container
 * (docker mode, where the server is not reachable from here).
 */
export interface PostgresExecutor {
  /** The database being backed up and restored. */
  readonly database: string;
  /** For messages: where the server is. */
  readonly description: string;
  /** Runs `sql` in `database`; returns rows of tab-separated columns. */
  query(database: string, sql: string): Promise<string[][]>;
  /** Streams a plain SQL dump into `database` in one transaction, stopping at the first error. */
  apply(database: string, sql: Readable): Promise<void>;
}

export const MAINTENANCE_DATABASE = 'postgres';
const BASE_ARGS = ['-X', '-q', '-v', 'ON_ERROR_STOP=1'];
const QUERY_ARGS = ['-A', '-t', '-F', '\t'];

export function parseRows(stdout: string): string[][] {
  return stdout.split('\n').filter((line) => line.length > 0).map((line) => line.split('\t'));
}

/** How to start psql for a database: the command, its arguments and its environment. */
export interface PsqlInvocation {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export abstract class PsqlExecutor implements PostgresExecutor {
  abstract readonly database: string;
  abstract readonly description: string;
  protected abstract invocation(database: string, psqlArgs: string[], withInput: boolean): PsqlInvocation;

  async query(database: string, sql: string): Promise<string[][]> {
    const run = this.invocation(database, [...BASE_ARGS, ...QUERY_ARGS, '-c', sql], false);
    return parseRows(await runChild(run.command, run.args, { label: 'psql', env: run.env, code: ErrorCode.RestoreFailed }));
  }

  async apply(database: string, sql: Readable): Promise<void> {
    const run = this.invocation(database, [...BASE_ARGS, '--single-transaction'], true);
    await runChild(run.command, run.args, { label: 'psql', env: run.env, input: sql, code: ErrorCode.RestoreFailed });
  }
}

/** psql over the network with the connection of DATABASE_URL (password in PGPASSWORD). */
export class DirectPsqlExecutor extends PsqlExecutor {
  constructor(private readonly conn: PostgresConnection, private readonly psqlPath = 'psql') {
    super();
  }

  get database(): string {
    return this.conn.database;
  }

  get description(): string {
    return `${this.conn.host}:${this.conn.port}`;
  }

  protected invocation(database: string, psqlArgs: string[]): PsqlInvocation {
    return { command: this.psqlPath, args: psqlArgs, env: libpqEnv(this.conn, database) };
  }
}
