import { Router } from 'express';
import { bulkDeleteBackups } from '../../../shared/jobs/bulk-delete-backups';
import { createLogger } from '../../../shared/logging';
import type { Runtime } from '../../../shared/runtime/runtime';
import { BulkDeleteDto } from '../dto/bulk-delete.dto';
import { parseDto } from '../dto/parse-dto';

/** `POST /api/backups/bulk-delete {"ids": [...]}`: deletes every copy of each; one result per id. */
export function bulkDeleteRoutes(runtime: Runtime): Router {
  const router = Router();
  const logger = createLogger('API');
  router.post('/bulk-delete', async (req, res) => {
    const { ids } = parseDto(BulkDeleteDto, req.body);
    const results = await bulkDeleteBackups({ backups: runtime.backups, copies: runtime.copies, targets: runtime.targets, logger }, ids);
    res.json({ results: results.map(({ id, status, ...rest }) => ({ id, status, ...('code' in rest ? { code: rest.code, message: rest.message } : {}) })) });
  });
  return router;
}
