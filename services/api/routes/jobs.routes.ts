import type { Job as BullJob } from 'bullmq';
import { AppError, ErrorCode } from '../../../shared/errors';
import { JobIdParams } from '../dto/id-param';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { Job } from '../schemas/job.schema';

export const jobRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/api/jobs/:id',
    operationId: 'getJob',
    summary: 'State and progress of a queued or running job, on whichever queue it is',
    tag: 'jobs',
    auth: ['adminKey'],
    params: JobIdParams,
    responses: { 200: { description: 'The job', schema: Job } },
    errors: [ErrorCode.JobNotFound],
    handler: async ({ runtime, params: { id } }) => {
      const found = await Promise.all(runtime.queues.all().map(async (queue) => ({ queue, job: (await queue.getJob(id)) as BullJob | undefined })));
      const hit = found.find((f) => f.job);
      if (!hit?.job) throw new AppError(ErrorCode.JobNotFound, 'Job not found (it may have been removed after completion; see /api/executions)');
      // State first, then the job's hash again: BullMQ moves both in one script, so the
      // hash read after the state is never older than it (a failed job has its reason).
      const state = await hit.job.getState();
      const job = ((await hit.queue.getJob(id)) as BullJob | undefined) ?? hit.job;
      return {
        body: {
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
        },
      };
    },
  }),
];
