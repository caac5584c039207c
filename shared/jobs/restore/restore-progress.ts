import type { ProgressReporter } from '../../domain/job-progress';

/** The stages of a database restore and the share of the progress bar each one takes. */
export const RESTORE_STAGES = {
  validating: [0, 2],
  loading: [2, 60],
  checking: [60, 63],
  'pre-restore-backup': [63, 93],
  swapping: [93, 98],
  completed: [100, 100],
} as const;

export type RestoreStage = keyof typeof RESTORE_STAGES;

/** Maps a stage and its own fraction done (0..1) onto the overall percentage. */
export function stageProgress(report: ProgressReporter) {
  return (stage: RestoreStage, fraction = 0, bytes?: number, totalBytes?: number) => {
    const [from, to] = RESTORE_STAGES[stage];
    const percent = Math.round(from + (to - from) * Math.min(1, Math.max(0, fraction)));
    report({ stage, percent, bytes, totalBytes });
  };
}
