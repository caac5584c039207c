import { AppError, ErrorCode } from '../../../shared/errors';
import { enqueue } from '../../../shared/queue/enqueue';
import { StorageImportDto } from '../dto/storage-import.dto';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { AcceptedJob } from '../schemas/job.schema';
import { acceptedJob } from './accepted-job';

/** `POST /api/storage/import {"target"?}`: queues an import of the backup files the catalog does not know (202). */
export const storageImportRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'post',
    path: '/api/storage/import',
    operationId: 'importBackups',
    summary: 'Queue an import of the backup files on a storage target that the catalog does not know',
    description:
      "Kanbu's earlier `kanbu_backup_*` / `kanbu_source_*` files and this service's are adopted as `completed` backups with " +
      'verification `no_checksum` until verified. A job on the `prune` queue, recorded as a `prune` execution with `details.import`; ' +
      '`target` defaults to the primary, an unknown one is 400 VALIDATION_FAILED.',
    tag: 'status',
    auth: ['adminKey', 'session'],
    body: StorageImportDto,
    responses: { 202: { description: 'Queued', schema: AcceptedJob } },
    errors: [ErrorCode.QueueUnavailable],
    handler: async ({ runtime, body }) => {
      const { target } = body;
      if (target !== undefined && !runtime.targets.get(target)) {
        const configured = runtime.targets.all.map((t) => t.name).join(', ');
        throw new AppError(ErrorCode.ValidationFailed, `No storage target named "${target}" (configured: ${configured})`, {
          details: [{ field: 'target', messages: [`must be one of: ${configured}`] }],
        });
      }
      const job = await enqueue(runtime.enqueueDeps, 'prune', { type: 'import', trigger: 'api', scheduleId: null, target: target ?? null });
      return { body: acceptedJob(job) };
    },
  }),
];
