import type { EnqueuedJob } from '../../../shared/queue/enqueue';

/** The 202 body for anything queued: ids plus where to follow it. */
export function acceptedJob(job: EnqueuedJob) {
  return {
    executionId: job.executionId,
    jobId: job.jobId,
    queue: job.queue,
    status: 'queued' as const,
    deduplicated: job.deduplicated,
    links: { job: `/api/jobs/${job.jobId}`, execution: `/api/executions/${job.executionId}` },
  };
}
