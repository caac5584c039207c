import { AppError, ErrorCode, errorMessage } from '../../errors';
import type { BackupSource, OpenedSource } from './backup-source';
import type { PgDumpDirectSource } from './pg-dump.source';
import { readServerFacts } from './pg-dump.source';
import type { PgDumpDockerSource } from './pg-dump-docker.source';

const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/**
 * Whether the server at DATABASE_URL answers. Only network failures count as
 * unreachable: a server that answers "wrong password" or "no such database" is
 * reachable, and pg_dump will report that problem as it is.
 */
export async function isReachable(direct: PgDumpDirectSource): Promise<{ reachable: boolean; reason?: string }> {
  try {
    await readServerFacts(direct.conn);
    return { reachable: true };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const network = (code !== undefined && NETWORK_ERRORS.has(code)) || /timeout|terminated unexpectedly/i.test(errorMessage(err));
    return network ? { reachable: false, reason: errorMessage(err) } : { reachable: true };
  }
}

/** BACKUP_PG_MODE=auto: direct when DATABASE_URL is set and reachable, else docker. */
export class PgDumpAutoSource implements BackupSource {
  readonly type = 'database' as const;
  readonly extension = 'sql';

  constructor(
    private readonly direct: PgDumpDirectSource | null,
    private readonly docker: PgDumpDockerSource,
  ) {}

  async open(): Promise<OpenedSource> {
    let directProblem = 'DATABASE_URL is not set';
    if (this.direct) {
      const probe = await isReachable(this.direct);
      if (probe.reachable) return this.direct.open();
      directProblem = `DATABASE_URL (${this.direct.conn.host}:${this.direct.conn.port}) is not reachable: ${probe.reason}`;
    }
    try {
      return await this.docker.open();
    } catch (err) {
      const dockerProblem = errorMessage(err).replace(/^Docker mode: /, '');
      throw new AppError(
        this.direct ? ErrorCode.SourceFailed : ErrorCode.DatabaseUrlMissing,
        `BACKUP_PG_MODE=auto found no database to back up: ${directProblem}, and docker mode failed: ${dockerProblem}`,
        // An unreachable server may come back; a missing DATABASE_URL will not.
        { retryable: this.direct !== null || (err instanceof AppError && err.retryable) },
      );
    }
  }
}
