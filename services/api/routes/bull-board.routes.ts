import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Router } from 'express';
import type { QueueRegistry } from '../../../shared/queue/queue-registry';

export const BULL_BOARD_PATH = '/admin/queues';

/** Bull Board over every queue; mounted behind Basic auth by the app. */
export function bullBoardRouter(queues: QueueRegistry): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.all().map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Kanbu Backup' } },
  });
  return serverAdapter.getRouter() as Router;
}
