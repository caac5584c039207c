import { Router } from 'express';
import { reportStorage } from '../../../shared/jobs/storage-report';
import type { Runtime } from '../../../shared/runtime/runtime';

/** GET /api/storage — per target: reachable, used and free bytes, backups stored. */
export function storageRoutes(runtime: Runtime): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json({ targets: await reportStorage(runtime.targets, runtime.copies), requireAllCopies: runtime.config.BACKUP_REQUIRE_ALL_COPIES });
  });
  return router;
}
