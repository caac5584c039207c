import { AppError, ErrorCode } from '../../errors';
import { redact } from '../../logging/redact';
import { runCommand } from '../process/run-command';

const DAEMON_DOWN = /cannot connect to the docker daemon|is the docker daemon running|error during connect/i;

/** The docker CLI for discovery and inspection; `exec` of pg_dump is streamed elsewhere. */
export class DockerCli {
  constructor(readonly binary = 'docker') {}

  /** stdout of `docker <args>`; a failure becomes a clear error (retryable when the daemon is away). */
  async run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
    let result;
    try {
      result = await runCommand(this.binary, args, { env, timeoutMs: 30_000 });
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${this.binary} is not installed or not on PATH` : (err as Error).message;
      throw new AppError(ErrorCode.SourceFailed, `Docker mode: the docker CLI could not be started: ${reason}`);
    }
    if (result.code !== 0) {
      const stderr = result.stderr.trim();
      throw new AppError(ErrorCode.SourceFailed, redact(`Docker mode: docker ${args[0]} failed (exit ${result.code})${stderr ? `: ${stderr}` : ''}`), {
        retryable: DAEMON_DOWN.test(stderr),
      });
    }
    return result.stdout;
  }

  /** Names of the running containers that match a `docker ps --filter`. */
  async runningNames(filter: string): Promise<string[]> {
    const out = await this.run(['ps', '--filter', filter, '--format', '{{.Names}}']);
    return out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  }
}
