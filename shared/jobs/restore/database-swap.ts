import type { RecoveryPlan, ServerDatabase, SwapStatement, SwapStep } from '../../domain/swap-recovery';
import type { Logger } from '../../logging';
import { MAINTENANCE_DATABASE, PostgresExecutor } from '../../engine/postgres/postgres-executor';
import type { PsqlSession } from '../../engine/postgres/psql-session';
import { quoteIdent, quoteLiteral } from '../../engine/postgres/sql-quote';
import { parseTempDatabaseComment } from './restore-names';

/** How the server sessions of one restore (or its recovery) are recognisable: a recovery terminates those of a dead run. */
export function swapApplicationName(executionId: string): string {
  return `kanbu-backup:${executionId}`;
}

export interface SwapSessionOptions {
  executionId: string;
  /** lock_timeout of every statement: a swap blocked by another session's lock gives up instead of hanging. */
  lockTimeoutMs: number;
}

/** A session on the maintenance database, named after the run, with a lock timeout. */
export async function openSwapSession(executor: PostgresExecutor, options: SwapSessionOptions): Promise<PsqlSession> {
  const session = await executor.session(MAINTENANCE_DATABASE);
  try {
    await session.query(`SET application_name = ${quoteLiteral(swapApplicationName(options.executionId))}`);
    await session.query(`SET lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs))}`);
    return session;
  } catch (err) {
    await session.close();
    throw err;
  }
}

/** The server's databases as the recovery rule sees them: by OID, with their mark. */
export async function serverDatabases(session: PsqlSession): Promise<ServerDatabase[]> {
  const rows = await session.query(
    `SELECT oid, datname, datallowconn, coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE NOT datistemplate`,
  );
  return rows.map(([oid, name, allow, comment]) => {
    const mark = parseTempDatabaseComment(comment || null);
    return { oid, name, allowConnections: allow === 't', marked: mark !== null, markedBy: mark?.executionId ?? null };
  });
}

/** Ends every server session that still runs for `executionId` (a dead run's psql), and waits until they are gone. */
export async function terminateRunSessions(session: PsqlSession, executionId: string): Promise<number> {
  const name = quoteLiteral(swapApplicationName(executionId));
  let terminated = 0;
  for (let attempt = 0; attempt < 100; attempt++) {
    const [row] = await session.query(
      `SELECT count(*), count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ${name} AND pid <> pg_backend_pid()`,
    );
    if (Number(row?.[0] ?? 0) === 0) return terminated;
    terminated += Number(row?.[1] ?? 0);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server sessions of run ${executionId} did not end`);
}

async function terminateUntilGone(session: PsqlSession, database: string, logger?: Logger): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const [row] = await session.query(
      `SELECT count(*), count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ${quoteLiteral(database)} AND pid <> pg_backend_pid()`,
    );
    if (Number(row?.[0] ?? 0) === 0) return;
    logger?.info(`Terminated ${row?.[1]} connection(s) to ${database}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`connections to ${database} kept coming back`);
}

function sqlOf(statement: SwapStatement): string {
  switch (statement.kind) {
    case 'rename':
      return `ALTER DATABASE ${quoteIdent(statement.from)} RENAME TO ${quoteIdent(statement.to)}`;
    case 'allow':
      return `ALTER DATABASE ${quoteIdent(statement.name)} WITH ALLOW_CONNECTIONS ${statement.allow}`;
    case 'unmark':
      return `COMMENT ON DATABASE ${quoteIdent(statement.name)} IS NULL`;
  }
}

/**
 * Puts the databases where `plan` says, in the one order every swap and
 * recovery uses: close the databases to be renamed (committed) and end their
 * sessions; then ONE transaction of renames, connection settings and marks;
 * then the drops. A crash before COMMIT is rolled back by the server; `onStep`
 * journals each step before it runs; `crash` is the fault-test hook of a run.
 */
export async function applyPlan(
  session: PsqlSession,
  plan: RecoveryPlan,
  onStep: (step: SwapStep) => Promise<void>,
  logger?: Logger,
  crash: (point: string) => void = () => undefined,
): Promise<void> {
  if (plan.transaction.length > 0) {
    await onStep('closing');
    crash('closing');
    for (const name of plan.close) await session.query(`ALTER DATABASE ${quoteIdent(name)} WITH ALLOW_CONNECTIONS false`);
    await onStep('terminating');
    crash('terminating');
    const renamed = plan.transaction.flatMap((s) => (s.kind === 'rename' ? [s.from] : []));
    for (const name of renamed) await terminateUntilGone(session, name, logger);
    await onStep('swapping');
    crash('swapping');
    await session.query('BEGIN');
    for (const [i, statement] of plan.transaction.entries()) {
      await session.query(sqlOf(statement));
      crash(`statement-${i + 1}`);
    }
    crash('committing');
    await session.query('COMMIT');
    crash('committed');
    await onStep('swapped');
  }
  if (plan.drop.length > 0) {
    await onStep('dropping_previous');
    crash('dropping');
    for (const name of plan.drop) {
      await session.query(`ALTER DATABASE ${quoteIdent(name)} WITH ALLOW_CONNECTIONS false`);
      await terminateUntilGone(session, name, logger);
      await session.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
    }
  }
}
