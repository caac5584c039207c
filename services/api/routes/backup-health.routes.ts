import { Router } from 'express';
import { backupHealthReport } from '../../../shared/monitoring/backup-health';
import type { Runtime } from '../../../shared/runtime/runtime';

/** GET /api/health/backups: last successes, size trend, storage, failures, verification and open alerts. */
export function backupHealthRoutes(runtime: Runtime): Router {
  const router = Router();
  router.get('/backups', async (_req, res) => {
    res.json(await backupHealthReport({ stats: runtime.stats, alerts: runtime.alerts, storages: runtime.storageTargets }));
  });
  return router;
}
