export interface StepResult {
  label: string;
  wallSeconds: number[];
  peakRssBytes: number[];
  /** Bytes the step moved (dump or restored SQL), for MB/s. */
  throughputBytes?: number;
  outputBytes?: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const MB = 1_000_000;

export function mb(bytes: number | undefined): string {
  return bytes === undefined ? '—' : `${(bytes / MB).toFixed(bytes < 10 * MB ? 2 : 0)} MB`;
}

/** The median, and the range when there is more than one value: `0.71 (0.66–0.80)`. */
export function medianRange(values: number[]): string {
  const m = median(values).toFixed(2);
  if (values.length === 1) return m;
  return `${m} (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
}

export function renderTable(steps: StepResult[]): string {
  const lines = ['| Step | Wall s (median, min–max) | MB/s | Output | Peak RSS |', '|---|---:|---:|---:|---:|'];
  for (const s of steps) {
    const rate = s.throughputBytes ? (s.throughputBytes / MB / median(s.wallSeconds)).toFixed(1) : '—';
    const rss = s.peakRssBytes.length ? mb(median(s.peakRssBytes)) : '—';
    lines.push(`| ${s.label} | ${medianRange(s.wallSeconds)} | ${rate} | ${mb(s.outputBytes)} | ${rss} |`);
  }
  return lines.join('\n');
}

/** Per round, a's time over b's: rounds are interleaved, so each pair saw the same machine load. */
export function pairedRatios(a: StepResult, b: StepResult): number[] {
  return a.wallSeconds.map((w, i) => w / b.wallSeconds[i]);
}

/** `name: 0.71 (0.66–0.80) (target ≤ 0.75: met)`, judged on the median. */
export function verdictLine(name: string, ratios: number[], target: number): string {
  return `${name}: ${medianRange(ratios)} (target ≤ ${target}: ${median(ratios) <= target ? 'met' : 'NOT met'})`;
}
