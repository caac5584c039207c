import { Writable } from 'node:stream';
import { ErrorCode } from '../../errors';
import { ChildTransform } from '../process/child-transform';
import { libpqEnv, PostgresConnection } from '../sources/postgres-connection';

export interface PsqlSinkOptions {
  /** Run the whole script as one transaction (psql --single-transaction); default true. */
  singleTransaction?: boolean;
  psqlPath?: string;
}

/**
 * Applies a plain SQL stream to a database with `psql -v ON_ERROR_STOP=1`. The
 * sink finishes only when psql exited cleanly; the first SQL error fails it with
 * psql's message. When the upstream fails (a checksum mismatch, a bad chunk),
 * psql is killed before it could see an end of input, so a partial script is
 * never committed: the server rolls the open transaction back.
 */
export class PsqlSink extends Writable {
  private readonly psql: ChildTransform;

  constructor(conn: PostgresConnection, options: PsqlSinkOptions = {}) {
    super({ highWaterMark: 1024 * 1024 });
    const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...(options.singleTransaction === false ? [] : ['--single-transaction'])];
    this.psql = new ChildTransform(options.psqlPath ?? 'psql', args, { label: 'psql', env: libpqEnv(conn), code: ErrorCode.RestoreFailed });
    this.psql.on('error', (err) => this.destroy(err));
    // What psql prints on stdout (set_config results) is not needed.
    this.psql.resume();
  }

  _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.psql.write(chunk)) callback();
    else this.psql.once('drain', () => callback());
  }

  _final(callback: (error?: Error | null) => void): void {
    this.psql.once('end', () => callback());
    this.psql.end();
  }

  _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.psql.destroy();
    callback(error);
  }
}
