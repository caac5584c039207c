import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { AppError, ErrorCode } from '../../errors';
import { redact } from '../../logging/redact';
import { PSQL_SCRIPT_ARGS, PsqlInvocation } from '../apply/psql.sink';
import { childEnv } from '../process/child-output-stream';
import { isTransientPgError } from '../sources/pg-dump-errors';

interface Pending {
  marker: string;
  lines: string[];
  resolve(rows: string[][]): void;
  reject(err: Error): void;
}

/**
 * One server session kept open across statements (psql reading its script from
 * stdin), so a transaction can span several of them. Each statement is followed
 * by an `\echo` marker, which tells when it finished. The first error ends psql
 * (ON_ERROR_STOP) and with it the session: the server rolls back what was not committed —
 * as it does when this process dies and psql sees the end of its input.
 */
export class PsqlSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private pending: Pending | null = null;
  private buffered = '';
  private stderr = '';
  private exited: Promise<number | null>;
  private ended: Error | null = null;

  constructor(
    run: PsqlInvocation,
    private readonly description: string,
  ) {
    this.child = spawn(run.command, [...run.args, ...PSQL_SCRIPT_ARGS, '-A', '-t', '-F', '\t'], { env: childEnv(run.env), stdio: 'pipe' });
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => this.onStdout(d));
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => this.fail(err, resolve));
      this.child.on('exit', (code) => this.fail(null, resolve, code));
    });
  }

  private fail(err: Error | null, resolve: (code: number | null) => void, code: number | null = null): void {
    const detail = err?.message ?? (this.stderr.trim() || `psql exited with code ${code}`);
    this.ended = new AppError(ErrorCode.RestoreFailed, redact(`psql on ${this.description}: ${detail}`), { retryable: isTransientPgError(detail) });
    this.pending?.reject(this.ended);
    this.pending = null;
    resolve(code);
  }

  private onStdout(data: string): void {
    this.buffered += data;
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      const pending = this.pending;
      if (!pending) continue;
      if (line === pending.marker) {
        this.pending = null;
        pending.resolve(pending.lines.filter((l) => l.length > 0).map((l) => l.split('\t')));
      } else {
        pending.lines.push(line);
      }
    }
  }

  /** Runs one statement and returns its rows (tab-separated columns). */
  query(sql: string): Promise<string[][]> {
    if (this.ended) return Promise.reject(this.ended);
    if (this.pending) return Promise.reject(new Error('PsqlSession: one statement at a time'));
    const marker = `__kanbu_done_${randomBytes(8).toString('hex')}__`;
    return new Promise((resolve, reject) => {
      this.pending = { marker, lines: [], resolve, reject };
      this.child.stdin.write(`${sql};\n\\echo ${marker}\n`);
    });
  }

  /** Ends the session: anything not committed is rolled back by the server. */
  async close(): Promise<void> {
    if (!this.ended) this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
