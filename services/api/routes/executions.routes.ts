import { AppError, ErrorCode } from '../../../shared/errors';
import { ListExecutionsQuery } from '../dto/execution.dto';
import { UuidParams } from '../dto/id-param';
import { presentExecution, presentPage } from '../presenters';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { Execution } from '../schemas/job.schema';
import { pageOf } from '../schemas/page.schema';

export const executionRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/api/executions',
    operationId: 'listExecutions',
    summary: 'Executions (backup, restore, verify, prune, notify runs), newest first',
    description: "`scheduleId` is the schedule's UUID or its number.",
    tag: 'executions',
    auth: ['adminKey', 'session'],
    query: ListExecutionsQuery,
    responses: { 200: { description: 'A page of executions', schema: pageOf('ExecutionPage', Execution) } },
    handler: async ({ runtime, query }) => {
      // scheduleId may be the schedule's number; an unknown number matches no execution.
      if (query.scheduleId && /^\d+$/.test(query.scheduleId)) {
        const schedule = await runtime.schedules.findByReference(query.scheduleId);
        if (!schedule) return { body: { items: [], total: 0, page: query.page, pageSize: query.pageSize } };
        query.scheduleId = schedule.id;
      }
      return { body: presentPage(await runtime.executions.list(query), presentExecution) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/executions/:id',
    operationId: 'getExecution',
    summary: 'One execution',
    tag: 'executions',
    auth: ['adminKey', 'session'],
    params: UuidParams,
    responses: { 200: { description: 'The execution', schema: Execution } },
    errors: [ErrorCode.ExecutionNotFound],
    handler: async ({ runtime, params }) => {
      const execution = await runtime.executions.findById(params.id);
      if (!execution) throw new AppError(ErrorCode.ExecutionNotFound, 'Execution not found');
      return { body: presentExecution(execution) };
    },
  }),
];
