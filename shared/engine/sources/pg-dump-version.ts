import { AppError, ErrorCode } from '../../errors';
import { runCommand } from '../process/run-command';

/** A PostgreSQL release line: `15` for 15.x, `9.6` for 9.6.x (before 10 the first two numbers were the major). */
export interface PgMajor {
  label: string;
  /** Comparable: 1500 for 15, 906 for 9.6. */
  rank: number;
}

/** From `pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)`; null when unrecognisable. */
export function clientMajor(versionOutput: string): (PgMajor & { version: string }) | null {
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(versionOutput) ?? /\b(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return null;
  const major = Number(m[1]);
  const minor = Number(m[2] ?? 0);
  const version = m[2] !== undefined ? `${m[1]}.${m[2]}` : m[1];
  return major >= 10 ? { label: String(major), rank: major * 100, version } : { label: `${major}.${minor}`, rank: major * 100 + minor, version };
}

/** From `server_version_num`, e.g. 150020 → 15, 90624 → 9.6. */
export function serverMajor(versionNum: number): PgMajor {
  if (versionNum >= 100000) {
    const major = Math.floor(versionNum / 10000);
    return { label: String(major), rank: major * 100 };
  }
  const rank = Math.floor(versionNum / 100);
  return { label: `${Math.floor(rank / 100)}.${rank % 100}`, rank };
}

/**
 * pg_dump refuses to dump a server of a newer major version (and mid-dump is
 * the worst time to find out), so this compares the versions first and says
 * what to install.
 */
export function assertPgDumpCanDump(pgDumpVersionOutput: string, server: { serverVersion: string; serverVersionNum: number }): void {
  const client = clientMajor(pgDumpVersionOutput);
  if (!client) return;
  const major = serverMajor(server.serverVersionNum);
  if (client.rank >= major.rank) return;
  throw new AppError(
    ErrorCode.SourceFailed,
    `pg_dump version mismatch: pg_dump ${client.version} cannot dump the PostgreSQL ${server.serverVersion} server, which is newer. ` +
      `Install the PostgreSQL ${major.label} client tools (Debian/Ubuntu: apt-get install postgresql-client-${major.label} from apt.postgresql.org; ` +
      `Docker image: build with PG_MAJOR=${major.label}), or set BACKUP_PG_MODE=docker to use the server container's own pg_dump.`,
  );
}

/** `pg_dump --version`; undefined when pg_dump cannot be run (the dump itself will then say why). */
export async function pgDumpVersion(pgDumpPath: string): Promise<string | undefined> {
  try {
    const result = await runCommand(pgDumpPath, ['--version'], { timeoutMs: 15_000 });
    return result.code === 0 ? result.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}
