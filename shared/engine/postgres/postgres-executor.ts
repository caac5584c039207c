import type { Writable } from 'node:stream';
import { AppError, ErrorCode } from '../../errors';
import { redact } from '../../logging/redact';
import { localPsql, PSQL_SCRIPT_ARGS, PsqlInvocation, PsqlSink } from '../apply/psql.sink';
import { runCommand } from '../process/run-command';
import { PsqlSession } from './psql-session';
import { DockerCli } from '../sources/docker-cli';
import { discoverPostgresContainer, DiscoveryOptions } from '../sources/docker-discovery';
import { containerLogin, DockerLogin, dockerExec } from '../sources/docker-exec';
import { isTransientPgError } from '../sources/pg-dump-errors';
import type { PostgresConnection } from '../../config/postgres-url';

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
  /** Runs `sql` in `database`; returns rows of tab-separated columns. Fails retryably when the server is down or busy. */
  query(database: string, sql: string, options?: { timeoutMs?: number }): Promise<string[][]>;
  /** A sink that applies a plain SQL dump to `database` in one transaction, stopping at the first error. */
  applySink(database: string): Promise<Writable>;
  /** A session that stays open across statements, for a transaction of several. */
  session(database: string): Promise<PsqlSession>;
}

export const MAINTENANCE_DATABASE = 'postgres';
const QUERY_ARGS = ['-A', '-t', '-F', '\t'];

export function parseRows(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t'));
}

abstract class PsqlExecutor implements PostgresExecutor {
  abstract readonly database: string;
  abstract readonly description: string;
  protected abstract psql(database: string, stdin: boolean): Promise<PsqlInvocation>;

  async query(database: string, sql: string, options: { timeoutMs?: number } = {}): Promise<string[][]> {
    const run = await this.psql(database, false);
    const timeoutMs = options.timeoutMs ?? 120_000;
    const result = await runCommand(run.command, [...run.args, ...PSQL_SCRIPT_ARGS, ...QUERY_ARGS, '-c', sql], { env: run.env, timeoutMs });
    if (result.code !== 0) {
      const detail = result.stderr.trim() || (result.code === null ? `no answer within ${Math.round(timeoutMs / 1000)} s` : `exit code ${result.code}`);
      const retryable = result.code === null || isTransientPgError(detail);
      throw new AppError(ErrorCode.RestoreFailed, redact(`psql on ${this.description}: ${detail}`), { retryable });
    }
    return parseRows(result.stdout);
  }

  async applySink(database: string): Promise<Writable> {
    return new PsqlSink(await this.psql(database, true));
  }

  async session(database: string): Promise<PsqlSession> {
    return new PsqlSession(await this.psql(database, true), this.description);
  }
}

/** psql over the network with the connection of DATABASE_URL (password in PGPASSWORD). */
export class DirectPsqlExecutor extends PsqlExecutor {
  constructor(
    private readonly conn: PostgresConnection,
    private readonly psqlPath = 'psql',
  ) {
    super();
  }

  get database(): string {
    return this.conn.database;
  }

  get description(): string {
    return `${this.conn.host}:${this.conn.port}`;
  }

  protected async psql(database: string): Promise<PsqlInvocation> {
    return localPsql(this.conn, database, this.psqlPath);
  }
}

/** `docker exec -i <container> psql`: the container is found as for backups (POSTGRES_CONTAINER, labels, pattern). */
export class DockerPsqlExecutor extends PsqlExecutor {
  private found: Promise<{ container: string; login: DockerLogin }> | null = null;

  constructor(private readonly options: DiscoveryOptions & { conn?: PostgresConnection; database: string; docker?: DockerCli }) {
    super();
  }

  get database(): string {
    return this.options.database;
  }

  get description(): string {
    return `container ${this.options.container ?? `matching "${this.options.pattern}"`}`;
  }

  protected async psql(database: string, stdin: boolean): Promise<PsqlInvocation> {
    const docker = this.options.docker ?? new DockerCli();
    this.found ??= (async () => {
      const found = await discoverPostgresContainer(docker, this.options);
      return { container: found.name, login: await containerLogin(docker, found.name, this.options.conn) };
    })();
    const { container, login } = await this.found;
    const exec = dockerExec(container, login, ['psql'], { stdin, database });
    return { command: docker.binary, args: exec.args, env: exec.env };
  }
}
