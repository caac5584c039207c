import { AppError, ErrorCode } from '../../errors';
import type { DockerCli } from './docker-cli';

export const POSTGRES_LABELS = ['kanbu.backup.postgres=true', 'com.docker.compose.service=postgres'];

/** The container name of Kanbu's own docker setup, which the user guide names. */
export const KANBU_POSTGRES_NAME = 'kanbu-postgres';

export interface DiscoveryOptions {
  /** POSTGRES_CONTAINER. */
  container?: string;
  /** POSTGRES_CONTAINER_PATTERN. */
  pattern: string;
}

export interface DiscoveredContainer {
  name: string;
  /** How it was found, for logs and the backup's facts. */
  foundBy: string;
}

function ambiguous(what: string, names: string[]): AppError {
  return new AppError(
    ErrorCode.SourceFailed,
    `Docker mode: ${names.length} running containers match ${what} (${names.join(', ')}); set POSTGRES_CONTAINER to the one to back up`,
  );
}

/**
 * Finds the PostgreSQL container, in order: POSTGRES_CONTAINER (which must
 * then be running: a named container is never swapped for another), the label
 * `kanbu.backup.postgres=true`, the compose label `com.docker.compose.service=postgres`,
 * a container named exactly `kanbu-postgres` (the user guide's), then names
 * matching POSTGRES_CONTAINER_PATTERN. More than one match at a step
 * is an error, never a guess.
 */
export async function discoverPostgresContainer(docker: DockerCli, options: DiscoveryOptions): Promise<DiscoveredContainer> {
  if (options.container) {
    const running = await docker.run(['inspect', '--type', 'container', '--format', '{{.State.Running}}', options.container]).catch((err: AppError) => {
      if (/no such (container|object)/i.test(err.message)) {
        throw new AppError(ErrorCode.SourceFailed, `Docker mode: POSTGRES_CONTAINER=${options.container} does not exist`);
      }
      throw err;
    });
    if (running.trim() !== 'true') throw new AppError(ErrorCode.SourceFailed, `Docker mode: POSTGRES_CONTAINER=${options.container} is not running`);
    return { name: options.container, foundBy: 'POSTGRES_CONTAINER' };
  }
  const tried = ['POSTGRES_CONTAINER (not set)'];
  for (const label of POSTGRES_LABELS) {
    const names = await docker.runningNames(`label=${label}`);
    if (names.length > 1) throw ambiguous(`the label ${label}`, names);
    if (names.length === 1) return { name: names[0], foundBy: `label ${label}` };
    tried.push(`label ${label} (no running container)`);
  }
  // docker's name filter matches substrings: only the exact name counts here.
  if ((await docker.runningNames(`name=${KANBU_POSTGRES_NAME}`)).includes(KANBU_POSTGRES_NAME)) {
    return { name: KANBU_POSTGRES_NAME, foundBy: `name ${KANBU_POSTGRES_NAME}` };
  }
  tried.push(`name ${KANBU_POSTGRES_NAME} (no running container)`);
  const names = await docker.runningNames(`name=${options.pattern}`);
  if (names.length > 1) throw ambiguous(`the name pattern "${options.pattern}"`, names);
  if (names.length === 1) return { name: names[0], foundBy: `name pattern "${options.pattern}"` };
  tried.push(`name pattern "${options.pattern}" (POSTGRES_CONTAINER_PATTERN; no running container)`);
  throw new AppError(
    ErrorCode.SourceFailed,
    `Docker mode: PostgreSQL container not found. Tried: ${tried.join('; ')}. Set POSTGRES_CONTAINER to the container's name`,
  );
}
