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
    res.json(presentPage(await runtime.executions.list(query), presentExecution));
  });

  router.get('/:id', async (req, res) => {
    const execution = await runtime.executions.findById(uuidParam(req.params.id, 'Execution'));
    if (!execution) throw new AppError(ErrorCode.ExecutionNotFound, 'Execution not found');
    res.json(presentExecution(execution));
  });

  return router;
}
