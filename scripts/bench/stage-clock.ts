/**
 * Stage timings of a CLI run, read from its progress lines on stderr
 * (`restore loading   47%  …`, one per stage change when stderr is not a
 * terminal): the time before the first line is `start-up` (process, config,
 * catalog, Redis, lock), each stage lasts until the next one starts, and what
 * follows `completed` is `exit` (recording the run, closing connections).
 */
export class StageClock {
  private readonly starts: Array<{ stage: string; at: number }> = [];

  constructor(private readonly label: string) {}

  readonly onLine = (line: string, atSeconds: number): void => {
    const match = new RegExp(`^${this.label} (\\S+)\\s`).exec(line);
    if (!match) return;
    if (this.starts.at(-1)?.stage !== match[1]) this.starts.push({ stage: match[1], at: atSeconds });
  };

  /** Seconds per stage, in the order they ran; `totalSeconds` is the whole command's wall time. */
  durations(totalSeconds: number): Array<{ stage: string; seconds: number }> {
    if (this.starts.length === 0) return [{ stage: 'start-up', seconds: totalSeconds }];
    const out = [{ stage: 'start-up', seconds: this.starts[0].at }];
    this.starts.forEach((s, i) => {
      const end = this.starts[i + 1]?.at ?? totalSeconds;
      out.push({ stage: s.stage === 'completed' ? 'exit' : s.stage, seconds: end - s.at });
    });
    return out;
  }
}
