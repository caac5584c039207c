import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const TIME = '/usr/bin/time';

export interface Measurement {
  wallSeconds: number;
  /** Largest resident set of the command or any process it waited for (GNU time %M). */
  peakRssBytes: number;
  stdout: string;
}

export interface MeasureOptions {
  /** Every line the command writes to stderr, with the seconds since it started. */
  onStderrLine?: (line: string, atSeconds: number) => void;
}

export function assertTimeAvailable(): void {
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed to measure peak memory (run: bash scripts/services.sh --bench, or apt-get install time)`);
}

/**
 * Runs a command to completion under GNU time: wall time from our own clock,
 * peak RSS from the kernel's accounting of the finished process tree.
 * A non-zero exit is an error with the command's stderr.
 */
export async function measure(command: string[], env: NodeJS.ProcessEnv, options: MeasureOptions = {}): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'kanbu-bench-time-'));
  try {
    const timeFile = join(dir, 'time');
    const child = spawn(TIME, ['-f', '%M', '-o', timeFile, ...command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const started = performance.now();
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      if (!options.onStderrLine) return;
      const at = (performance.now() - started) / 1000;
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) options.onStderrLine(line, at);
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    const wallSeconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`${command.join(' ')} exited with ${code}: ${stderr.trim().slice(-2000)}`);
    const kb = Number((await readFile(timeFile, 'utf8')).trim().split('\n').pop());
    return { wallSeconds, peakRssBytes: kb * 1024, stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
