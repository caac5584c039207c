import type { DockerCli } from './docker-cli';
import type { PostgresConnection } from '../../config/postgres-url';

/** Who pg_dump / psql connect as inside the container, over its local socket. */
export interface DockerLogin {
  user: string;
  database: string;
  password?: string;
}

/**
 * The login from DATABASE_URL when set (host and port do not apply inside the
 * container), else the user and database the official postgres image was
 * started with (POSTGRES_USER, POSTGRES_DB); its local socket trusts local
 * connections, so no password is needed then.
 */
export async function containerLogin(docker: DockerCli, container: string, conn?: PostgresConnection): Promise<DockerLogin> {
  if (conn) return { user: conn.user, database: conn.database, password: conn.password };
  const raw = await docker.run(['inspect', '--type', 'container', '--format', '{{json .Config.Env}}', container]);
  const env = (JSON.parse(raw.trim() || 'null') as string[] | null) ?? [];
  const get = (key: string) => env.find((e) => e.startsWith(`${key}=`))?.slice(key.length + 1) || undefined;
  const user = get('POSTGRES_USER') ?? 'postgres';
  return { user, database: get('POSTGRES_DB') ?? user };
}

/**
 * `docker exec [-i] -e PGUSER -e PGDATABASE [-e PGPASSWORD] <container> <command>`:
 * libpq settings travel as environment variables of the docker CLI, and
 * `-e NAME` (without `=value`) copies each into the container, so the password
 * never appears in any argv (neither ours nor docker's).
 */
export function dockerExec(
  container: string,
  login: DockerLogin,
  command: string[],
  options: { stdin?: boolean; database?: string } = {},
): { args: string[]; env: NodeJS.ProcessEnv } {
  const env: NodeJS.ProcessEnv = { PGUSER: login.user, PGDATABASE: options.database ?? login.database, PGAPPNAME: 'kanbu-backup' };
  if (login.password !== undefined) env.PGPASSWORD = login.password;
  const flags = Object.keys(env).flatMap((name) => ['-e', name]);
  return { args: ['exec', ...(options.stdin ? ['-i'] : []), ...flags, container, ...command], env };
}
