import { Router } from 'express';
import { AppError, ErrorCode } from '../../../shared/errors';
import type { Runtime } from '../../../shared/runtime/runtime';
import { ListExecutionsQuery } from '../dto/execution.dto';
import { uuidParam } from '../dto/id-param';
import { parseDto } from '../dto/parse-dto';
import { presentExecution, presentPage } from '../presenters';

export function executionRoutes(runtime: Runtime): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const query = parseDto(ListExecutionsQuery, req.query);
    if (query.scheduleId && /^\d+$/.test(query.scheduleId)) {
      const schedule = await runtime.schedules.findByReference(query.scheduleId);
      if (!schedule) return res.json({ items: [], total: 0, page: query.page, pageSize: query.pageSize });
      query.scheduleId = schedule.id;
    }
    res.json(presentPage(await runtime.executions.list(query), presentExecution));
  });

  router.get('/:id', async (req, res) => {
    const execution = await runtime.executions.findById(uuidParam(req.params.id, 'Execution'));
    if (!execution) throw AppError.notFound(ErrorCode.ExecutionNotFound, 'Execution not found');
    res.json(presentExecution(execution));
  });

  return router;
}
