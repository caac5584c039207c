import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Type } from '@sinclair/typebox';
import type { RequestHandler } from 'express';
import { createLogger } from '../../../shared/logging';
import type { QueueRegistry } from '../../../shared/queue/queue-registry';
import type { MountDefinition } from '../registry/route-definition';

const logger = createLogger('API');

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board over every queue. Read-only: adding, retrying or promoting jobs
 * from it would bypass the API's checks (a restore without its confirmation
 * token), and a browser resends Basic credentials on cross-site requests. Its
 * errors take our error shape.
 */
function bullBoardRouter(queues: QueueRegistry): RequestHandler {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.all().map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Kanbu Backup' } },
  });
  serverAdapter.setErrorHandler((error) => {
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500)
      return { status: status as 400, body: { error: { code: 'VALIDATION_FAILED', message: 'The request could not be read' } } };
    logger.error(`Bull Board request failed: ${error.message}`);
    return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal server error' } } };
  });
  return serverAdapter.getRouter() as RequestHandler;
}

export const bullBoardMount: MountDefinition = {
  path: BULL_BOARD_PATH,
  summary: 'Bull Board: a read-only view of every queue, for a browser',
  auth: ['adminBasic', 'adminKey'],
  page: { operationId: 'bullBoard', tag: 'docs', response: { description: 'The Bull Board page', contentType: 'text/html', schema: Type.String() } },
  router: (runtime) => bullBoardRouter(runtime.queues),
};
