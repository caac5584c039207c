/** What a long job reports: shown by Bull Board, GET /api/jobs/:id and the CLI's progress bar. */
export interface JobProgress {
  stage: string;
  percent: number;
  /** Bytes processed so far in this stage, when it moves bytes. */
  bytes?: number;
  /** Expected total bytes, when known (for rate and ETA). */
  totalBytes?: number;
}

export type ProgressReporter = (progress: JobProgress) => void;
