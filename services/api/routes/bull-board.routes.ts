import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Router } from 'express';
import { createLogger } from '../../../shared/logging';
import type { QueueRegistry } from '../../../shared/queue/queue-registry';

const logger = createLogger('API');

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board over every queue, mounted behind Basic auth by the app. Read-only:
 * adding, retrying or promoting jobs from it would bypass the API's checks (a
 * restore without its confirmation token), and a browser resends Basic
 * credentials on cross-site requests. Its errors take our error shape.
 */
export function bullBoardRouter(queues: QueueRegistry): Router {
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
  return serverAdapter.getRouter() as Router;
}
