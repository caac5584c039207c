import { Router } from 'express';
import type { Job } from 'bullmq';
import { AppError, ErrorCode } from '../../../shared/errors';
import type { Runtime } from '../../../shared/runtime/runtime';

// Only the ids we create: an execution id, a trigger slot `slot-<schedule id>-<ms>`, or a job
// scheduler run `repeat:<scheduler id>:<ms>`. Anything else could name one of BullMQ's own keys.
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const JOB_ID = new RegExp(`^(?:${UUID}|slot-${UUID}-\\d{1,15}|repeat:(?:${UUID}|[a-z]+(?:-[a-z]+)*):\\d{1,15})$`);

/** GET /api/jobs/:id — state and progress of a queued or running job, on whichever queue it is. */
export function jobRoutes(runtime: Runtime): Router {
  const router = Router();

  router.get('/:id', async (req, res) => {
    const id = req.params.id;
    if (!JOB_ID.test(id)) throw new AppError(ErrorCode.ValidationFailed, 'Invalid job id: expected the jobId the API returned');
    const found = await Promise.all(runtime.queues.all().map(async (queue) => ({ queue, job: (await queue.getJob(id)) as Job | undefined })));
    const hit = found.find((f) => f.job);
    if (!hit?.job) throw new AppError(ErrorCode.JobNotFound, 'Job not found (it may have been removed after completion; see /api/executions)');
    // State first, then the job's hash again: BullMQ moves both in one script, so the
    // hash read after the state is never older than it (a failed job has its reason).
    const state = await hit.job.getState();
    const job = ((await hit.queue.getJob(id)) as Job | undefined) ?? hit.job;
    res.json({
      id: job.id,
      queue: hit.queue.name,
      name: job.name,
      state,
      progress: job.progress,
      attemptsMade: job.attemptsMade,
      attempts: job.opts.attempts ?? 1,
      failedReason: job.failedReason || null,
      result: job.returnvalue ?? null,
      executionId: (job.data as { executionId?: string }).executionId ?? null,
      createdAt: new Date(job.timestamp),
      startedAt: job.processedOn ? new Date(job.processedOn) : null,
      finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
    });
  });

  return router;
}
