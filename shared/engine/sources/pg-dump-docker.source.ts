import { childOutputStream } from '../process/child-output-stream';
import type { BackupSource, OpenedSource } from './backup-source';
import { DockerCli } from './docker-cli';
import { discoverPostgresContainer, DiscoveryOptions } from './docker-discovery';
import { isTransientPgError } from './pg-dump-errors';
import { PG_DUMP_ARGS } from './pg-dump.source';
import type { PostgresConnection } from './postgres-connection';

/** Who pg_dump connects as inside the container, over its local socket. */
interface DumpLogin {
  user: string;
  database: string;
  password?: string;
}

/**
 * The user and database the official postgres image was started with
 * (POSTGRES_USER, POSTGRES_DB), for when DATABASE_URL does not say; its local
 * socket trusts local connections, so no password is needed.
 */
async function containerLogin(docker: DockerCli, container: string): Promise<DumpLogin> {
  const raw = await docker.run(['inspect', '--type', 'container', '--format', '{{json .Config.Env}}', container]);
  const env = (JSON.parse(raw.trim() || 'null') as string[] | null) ?? [];
  const get = (key: string) => env.find((e) => e.startsWith(`${key}=`))?.slice(key.length + 1) || undefined;
  const user = get('POSTGRES_USER') ?? 'postgres';
  return { user, database: get('POSTGRES_DB') ?? user };
}

/**
 * libpq settings travel as environment variables of the docker CLI, and
 * `docker exec -e NAME` (without `=value`) copies each into the container, so
 * the password never appears in any argv (neither ours nor docker's).
 */
function execArgs(container: string, login: DumpLogin, command: string[]): { args: string[]; env: NodeJS.ProcessEnv } {
  const env: NodeJS.ProcessEnv = { PGUSER: login.user, PGDATABASE: login.database, PGAPPNAME: 'kanbu-backup' };
  if (login.password !== undefined) env.PGPASSWORD = login.password;
  const flags = Object.keys(env).flatMap((name) => ['-e', name]);
  return { args: ['exec', ...flags, container, ...command], env };
}

export interface DockerSourceOptions extends DiscoveryOptions {
  /** From DATABASE_URL when set: user, password and database; host and port do not apply inside the container. */
  conn?: PostgresConnection;
  docker?: DockerCli;
}

/** `docker exec <container> pg_dump …`: the server's own pg_dump, so versions always match. */
export class PgDumpDockerSource implements BackupSource {
  readonly type = 'database' as const;
  readonly extension = 'sql';
  private readonly docker: DockerCli;

  constructor(private readonly options: DockerSourceOptions) {
    this.docker = options.docker ?? new DockerCli();
  }

  async open(): Promise<OpenedSource> {
    const found = await discoverPostgresContainer(this.docker, this.options);
    const conn = this.options.conn;
    const login = conn ? { user: conn.user, database: conn.database, password: conn.password } : await containerLogin(this.docker, found.name);
    const estimatedBytes = await this.databaseSize(found.name, login);
    const dump = execArgs(found.name, login, ['pg_dump', ...PG_DUMP_ARGS]);
    const stream = childOutputStream(this.docker.binary, dump.args, {
      label: `pg_dump in container ${found.name}`,
      env: dump.env,
      isRetryable: isTransientPgError,
    });
    return { stream, estimatedBytes, facts: { mode: 'docker', container: found.name, foundBy: found.foundBy, database: login.database } };
  }

  /** Best effort, for progress only. */
  private async databaseSize(container: string, login: DumpLogin): Promise<number | undefined> {
    const query = execArgs(container, login, ['psql', '-X', '-q', '-t', '-A', '-c', 'SELECT pg_database_size(current_database())']);
    const out = await this.docker.run(query.args, query.env).catch(() => '');
    const bytes = Number(out.trim());
    return Number.isFinite(bytes) && bytes > 0 ? bytes : undefined;
  }
}
