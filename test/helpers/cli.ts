import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DIST } from './processes';

export const CLI = join(DIST, 'services/cli/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `kanbu-backup <args>` as a real process with exactly `env` (plus PATH and HOME). */
export function runCli(args: string[], env: Record<string, string | undefined>, input?: Buffer): Promise<CliResult> {
  return startCli(args, env, input).result;
}

/** The same, with the process at hand (to send it signals). */
export function startCli(
  args: string[],
  env: Record<string, string | undefined>,
  input?: Buffer,
): { pid: () => number | undefined; result: Promise<CliResult> } {
  let pid: number | undefined;
  const result = new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
    pid = child.pid;
  });
  return { pid: () => pid, result };
}

/** The lines of stderr that are not progress lines. */
export function errorLines(result: CliResult): string[] {
  return result.stderr.split('\n').filter((l) => l.startsWith('kanbu-backup'));
}
