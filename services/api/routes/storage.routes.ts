import { reportStorage } from '../../../shared/jobs/storage-report';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { StorageReport } from '../schemas/status.schema';

export const storageRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/api/storage',
    operationId: 'getStorage',
    summary: 'Per target: reachable, used and free bytes, backups stored',
    tag: 'status',
    auth: ['adminKey'],
    responses: { 200: { description: 'Storage targets', schema: StorageReport } },
    handler: async ({ runtime }) => ({
      body: { targets: await reportStorage(runtime.targets, runtime.copies), requireAllCopies: runtime.config.BACKUP_REQUIRE_ALL_COPIES },
    }),
  }),
];
