import { RequestHandler, Router } from 'express';
import { AppError, ErrorCode } from '../../../shared/errors';
import { enqueue } from '../../../shared/queue/enqueue';
import type { Runtime } from '../../../shared/runtime/runtime';
import { parseDto } from '../dto/parse-dto';
import { StorageImportDto } from '../dto/storage-import.dto';
import { acceptedJob } from './accepted-job';

/** `POST /api/storage/import {"target"?}`: queues an import of the backup files the catalog does not know (202). */
export function storageImportRoutes(runtime: Runtime, json: RequestHandler): Router {
  const router = Router();
  router.post('/import', json, async (req, res) => {
    const { target } = parseDto(StorageImportDto, req.body);
    if (target !== undefined && !runtime.targets.get(target)) {
      const configured = runtime.targets.all.map((t) => t.name).join(', ');
      throw new AppError(ErrorCode.ValidationFailed, `No storage target named "${target}" (configured: ${configured})`, {
        details: [{ field: 'target', messages: [`must be one of: ${configured}`] }],
      });
    }
    const job = await enqueue(runtime.enqueueDeps, 'prune', { type: 'import', trigger: 'api', scheduleId: null, target: target ?? null });
    res.status(202).json(acceptedJob(job));
  });
  return router;
}
