import type { JobProgress } from '../../shared/domain/job-progress';
import { formatBytes, formatDuration } from './format';

const BAR_WIDTH = 24;
const TTY_INTERVAL_MS = 200;
const LINE_INTERVAL_MS = 10_000;

/**
 * Progress of a long command on stderr: a redrawn bar with rate and ETA on a
 * terminal, a plain line every 10 s (and per stage) otherwise, so logs of cron
 * jobs stay readable. stdout stays free for the command's output.
 */
export class ProgressDisplay {
  private readonly startedAt: number;
  private lastDraw = 0;
  private lastStage = '';
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  private get tty(): boolean {
    return this.out.isTTY === true;
  }

  readonly update = (p: JobProgress): void => {
    const now = this.now();
    const stageChanged = p.stage !== this.lastStage;
    if (!stageChanged && now - this.lastDraw < (this.tty ? TTY_INTERVAL_MS : LINE_INTERVAL_MS) && p.percent < 100) return;
    this.lastDraw = now;
    this.lastStage = p.stage;
    const text = this.describe(p, (now - this.startedAt) / 1000);
    if (this.tty) {
      this.out.write(`\r\x1b[2K${text}`);
      this.drawn = true;
    } else {
      this.out.write(`${text}\n`);
    }
  };

  /** Clears the bar so the result can be printed on a clean line. */
  done(): void {
    if (this.tty && this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }

  private describe(p: JobProgress, elapsed: number): string {
    const percent = Math.max(0, Math.min(100, p.percent));
    const parts = [`${this.label} ${p.stage}`];
    if (this.tty) {
      const filled = Math.round((percent / 100) * BAR_WIDTH);
      parts.push(`[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`);
    }
    parts.push(`${String(percent).padStart(3)}%`);
    if (p.bytes !== undefined) {
      parts.push(formatBytes(p.bytes));
      if (elapsed > 0) parts.push(`${formatBytes(Math.round(p.bytes / elapsed))}/s`);
    }
    if (percent > 0 && percent < 100) parts.push(`ETA ${formatDuration((elapsed * (100 - percent)) / percent)}`);
    return parts.join('  ');
  }
}
