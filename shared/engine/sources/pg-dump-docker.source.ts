import { childOutputStream } from '../process/child-output-stream';
import type { BackupSource, OpenedSource } from './backup-source';
import { DockerCli } from './docker-cli';
import { discoverPostgresContainer, DiscoveryOptions } from './docker-discovery';
import { containerLogin, DockerLogin, dockerExec } from './docker-exec';
import { isTransientPgError } from './pg-dump-errors';
import { PG_DUMP_ARGS } from './pg-dump.source';
import type { PostgresConnection } from '../../config/postgres-url';

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
    const login = await containerLogin(this.docker, found.name, conn);
    const estimatedBytes = await this.databaseSize(found.name, login);
    const dump = dockerExec(found.name, login, ['pg_dump', ...PG_DUMP_ARGS]);
    const stream = childOutputStream(this.docker.binary, dump.args, {
      label: `pg_dump in container ${found.name}`,
      env: dump.env,
      isRetryable: isTransientPgError,
    });
    return { stream, estimatedBytes, facts: { mode: 'docker', container: found.name, foundBy: found.foundBy, database: login.database } };
  }

  /** Best effort, for progress only. */
  private async databaseSize(container: string, login: DockerLogin): Promise<number | undefined> {
    const query = dockerExec(container, login, ['psql', '-X', '-q', '-t', '-A', '-c', 'SELECT pg_database_size(current_database())']);
    const out = await this.docker.run(query.args, query.env).catch(() => '');
    const bytes = Number(out.trim());
    return Number.isFinite(bytes) && bytes > 0 ? bytes : undefined;
  }
}
