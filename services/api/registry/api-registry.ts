import { auditRoutes } from '../routes/audit.routes';
import { backupHealthRoutes } from '../routes/backup-health.routes';
import { backupRoutes } from '../routes/backups.routes';
import { bulkDeleteRoutes } from '../routes/bulk-delete.routes';
import { bullBoardMount } from '../routes/bull-board.routes';
import { docsMount, docsRoutes } from '../routes/docs.routes';
import { eventRoutes } from '../routes/events.routes';
import { executionRoutes } from '../routes/executions.routes';
import { healthRoutes } from '../routes/health.routes';
import { jobRoutes } from '../routes/jobs.routes';
import { metricsRoutes } from '../routes/metrics.routes';
import { notificationRoutes } from '../routes/notifications.routes';
import { openApiRoutes } from '../routes/openapi.routes';
import { restoreRoutes } from '../routes/restore.routes';
import { scheduleRoutes } from '../routes/schedules.routes';
import { sessionRoutes } from '../routes/session.routes';
import { statusRoutes } from '../routes/status.routes';
import { storageImportRoutes } from '../routes/storage-import.routes';
import { storageRoutes } from '../routes/storage.routes';
import { triggerRoutes } from '../routes/trigger.routes';
import { verificationRoutes } from '../routes/verification.routes';
import type { MountDefinition, RouteDefinition } from './route-definition';

/** Every route and sub-application of the API: what app.ts mounts and what the OpenAPI document describes. */
export interface ApiRegistry {
  routes: readonly RouteDefinition[];
  mounts: readonly MountDefinition[];
}

export const API_REGISTRY: ApiRegistry = {
  routes: [
    ...healthRoutes,
    ...triggerRoutes,
    // Fixed paths under /api/backups before the `/:id` ones.
    ...bulkDeleteRoutes,
    ...verificationRoutes,
    ...restoreRoutes,
    ...backupRoutes,
    ...executionRoutes,
    ...jobRoutes,
    ...scheduleRoutes,
    ...statusRoutes,
    ...notificationRoutes,
    ...backupHealthRoutes,
    ...metricsRoutes,
    ...storageRoutes,
    ...storageImportRoutes,
    ...sessionRoutes,
    ...auditRoutes,
    ...eventRoutes,
    ...openApiRoutes(() => API_REGISTRY),
    ...docsRoutes,
  ],
  mounts: [docsMount, bullBoardMount],
};
