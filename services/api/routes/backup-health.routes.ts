import { backupHealthReport } from '../../../shared/monitoring/backup-health';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { BackupHealth } from '../schemas/status.schema';

export const backupHealthRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/api/health/backups',
    operationId: 'getBackupHealth',
    summary: 'Last successes, size trend, storage, failures, verification and open alerts',
    tag: 'status',
    auth: ['adminKey'],
    responses: { 200: { description: 'The backup health report', schema: BackupHealth } },
    handler: async ({ runtime }) => ({
      body: await backupHealthReport({ stats: runtime.stats, alerts: runtime.alerts, storages: runtime.storageTargets }),
    }),
  }),
];
