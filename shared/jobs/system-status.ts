import type { Config } from '../config';
import type { KeyRing } from '../engine/crypto/key-ring';
import { DockerCli } from '../engine/sources/docker-cli';
import { discoverPostgresContainer } from '../engine/sources/docker-discovery';
import { isReachable } from '../engine/sources/pg-dump-auto.source';
import { PgDumpDirectSource } from '../engine/sources/pg-dump.source';
import { parsePostgresUrl } from '../config/postgres-url';
import type { StorageTargets } from '../engine/storage/storage-targets';
import { errorMessage } from '../errors';
import { reportStorage, TargetReport } from './storage-report';
import { redact } from '../logging/redact';
import { withTimeout } from '../util/with-timeout';

const PROBE_TIMEOUT_MS = 5000;

export interface PostgresStatus {
  /** What backups use now: BACKUP_PG_MODE, with `auto` resolved the way a backup resolves it. */
  mode: 'direct' | 'docker';
  reachable: boolean;
  error: string | null;
}

async function probe(check: () => Promise<unknown>): Promise<string | null> {
  try {
    await withTimeout(check(), PROBE_TIMEOUT_MS);
    return null;
  } catch (err) {
    return redact(errorMessage(err));
  }
}

async function dockerStatus(config: Config): Promise<PostgresStatus> {
  const error = await probe(() =>
    discoverPostgresContainer(new DockerCli(), { container: config.POSTGRES_CONTAINER, pattern: config.POSTGRES_CONTAINER_PATTERN }),
  );
  return { mode: 'docker', reachable: error === null, error };
}

async function directStatus(config: Config): Promise<PostgresStatus | { reachable: false; error: string }> {
  if (!config.DATABASE_URL) return { reachable: false, error: 'DATABASE_URL is not set' };
  const direct = new PgDumpDirectSource(parsePostgresUrl(config.DATABASE_URL));
  const found = await withTimeout(isReachable(direct), PROBE_TIMEOUT_MS).catch((err) => ({ reachable: false, reason: errorMessage(err) }));
  return { mode: 'direct', reachable: found.reachable, error: found.reachable ? null : redact(found.reason ?? 'not reachable') };
}

/** Whether the Kanbu database can be reached for a backup, and how (never its credentials). */
export async function postgresStatus(config: Config): Promise<PostgresStatus> {
  if (config.BACKUP_PG_MODE === 'docker') return dockerStatus(config);
  const direct = await directStatus(config);
  if (config.BACKUP_PG_MODE === 'direct') return { mode: 'direct', reachable: direct.reachable, error: direct.error };
  return direct.reachable ? (direct as PostgresStatus) : dockerStatus(config);
}

export interface SystemStatus {
  version: string;
  storage: TargetReport[];
  postgres: PostgresStatus;
  encryption: { enabled: boolean; keyId: string | null };
}

export interface SystemStatusDeps {
  config: Config;
  targets: StorageTargets;
  copies: { countCompletedByTarget(): Promise<Map<string, number>> };
  keys: KeyRing;
  version: string;
}

/** Storage targets, the Kanbu database and encryption, as a console shows them: no secret, only facts. */
export async function systemStatus(deps: SystemStatusDeps): Promise<SystemStatus> {
  const [storage, postgres] = await Promise.all([reportStorage(deps.targets, deps.copies), postgresStatus(deps.config)]);
  return { version: deps.version, storage, postgres, encryption: { enabled: !!deps.keys.current, keyId: deps.keys.current?.id ?? null } };
}
