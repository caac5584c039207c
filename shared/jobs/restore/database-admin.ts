import { errorMessage } from '../../errors';
import type { Logger } from '../../logging';
import { MAINTENANCE_DATABASE, PostgresExecutor } from '../../engine/postgres/postgres-executor';
import { quoteIdent, quoteLiteral } from '../../engine/postgres/sql-quote';
import { parseTempDatabaseComment, TempDatabaseMark, tempDatabaseComment } from './restore-names';

export interface DatabaseInfo {
  oid: string;
  name: string;
  allowConnections: boolean;
  comment: string | null;
}

export interface TableStats {
  tables: number;
  rows: Record<string, number>;
}

const COUNT_TIMEOUT_MS = 2 * 3600 * 1000;

/** Database-level operations a restore needs, all run on the maintenance database. */
export class DatabaseAdmin {
  constructor(
    private readonly exec: PostgresExecutor,
    private readonly logger?: Logger,
  ) {}

  private run(sql: string): Promise<string[][]> {
    return this.exec.query(MAINTENANCE_DATABASE, sql);
  }

  async list(): Promise<DatabaseInfo[]> {
    const rows = await this.run(
      `SELECT oid, datname, datallowconn, coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE NOT datistemplate`,
    );
    return rows.map(([oid, name, allow, comment]) => ({ oid, name, allowConnections: allow === 't', comment: comment || null }));
  }

  async info(name: string): Promise<DatabaseInfo | null> {
    return (await this.list()).find((d) => d.name === name) ?? null;
  }

  /** Creates an empty database with the encoding and locale of `like` (when it exists), marked as temporary. */
  async createTemp(name: string, like: string, mark: TempDatabaseMark): Promise<void> {
    const [source] = await this.run(`SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database WHERE datname = ${quoteLiteral(like)}`);
    const options = source
      ? ` TEMPLATE template0 ENCODING ${quoteLiteral(source[0])} LC_COLLATE ${quoteLiteral(source[1])} LC_CTYPE ${quoteLiteral(source[2])}`
      : ' TEMPLATE template0';
    await this.run(`CREATE DATABASE ${quoteIdent(name)}${options}`);
    await this.run(`COMMENT ON DATABASE ${quoteIdent(name)} IS ${quoteLiteral(tempDatabaseComment(mark))}`);
  }

  async terminateConnections(name: string): Promise<number> {
    const rows = await this.run(
      `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ${quoteLiteral(name)} AND pid <> pg_backend_pid()`,
    );
    return Number(rows[0]?.[0] ?? 0);
  }

  async drop(name: string): Promise<void> {
    await this.run(`ALTER DATABASE ${quoteIdent(name)} WITH ALLOW_CONNECTIONS false`).catch(() => undefined);
    await this.terminateConnections(name);
    await this.run(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
  }

  /** Exact row counts of every user table of `database`. */
  async tableStats(database: string): Promise<TableStats> {
    const rows = await this.exec.query(
      database,
      `SELECT format('%s.%s', table_schema, table_name),
              (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text
         FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
        ORDER BY 1`,
      // Exact counts read every table: give a large database the time that takes.
      { timeoutMs: COUNT_TIMEOUT_MS },
    );
    return { tables: rows.length, rows: Object.fromEntries(rows.map(([table, count]) => [table, Number(count)])) };
  }

  /**
   * Drops throw-away databases of restore tests (verification) left by killed
   * runs for `target`. Never a restore's: those are settled through the restore
   * journal, which knows by OID which run created which database.
   */
  async dropAbandoned(purpose: 'verify', target: string, olderThan?: Date): Promise<string[]> {
    const dropped: string[] = [];
    for (const db of await this.list()) {
      const mark = parseTempDatabaseComment(db.comment);
      if (!mark || mark.purpose !== purpose || mark.target !== target) continue;
      if (db.name === target) continue;
      if (olderThan && new Date(mark.createdAt) > olderThan) continue;
      try {
        await this.drop(db.name);
        dropped.push(db.name);
        this.logger?.warn(`Dropped ${db.name}, a temporary ${purpose} database left by an interrupted run (execution ${mark.executionId})`);
      } catch (err) {
        this.logger?.error(`Could not drop the abandoned temporary database ${db.name}: ${errorMessage(err)}`);
      }
    }
    return dropped;
  }
}
