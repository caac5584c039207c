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

function seconds(values: number[]): string {
  const m = median(values).toFixed(2);
  if (values.length === 1) return m;
  return `${m} (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
}

export function renderTable(steps: StepResult[]): string {
  const lines = ['| Step | Wall s (median, min–max) | MB/s | Output | Peak RSS |', '|---|---:|---:|---:|---:|'];
  for (const s of steps) {
    const rate = s.throughputBytes ? (s.throughputBytes / MB / median(s.wallSeconds)).toFixed(1) : '—';
    lines.push(`| ${s.label} | ${seconds(s.wallSeconds)} | ${rate} | ${mb(s.outputBytes)} | ${mb(median(s.peakRssBytes))} |`);
  }
  return lines.join('\n');
}

export function verdict(ok: boolean): string {
  return ok ? 'met' : 'NOT met';
}
