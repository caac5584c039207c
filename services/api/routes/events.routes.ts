import { Router } from 'express';
import type { Redis } from 'ioredis';
import { AppError, ErrorCode, errorMessage } from '../../../shared/errors';
import { createLogger } from '../../../shared/logging';
import { EVENT_ID, JobEventLog, StoredJobEvent } from '../../../shared/queue/job-events';
import { redisReady } from '../../../shared/queue/redis-connection';

const logger = createLogger('API');

export interface EventRouteDeps {
  redis: Redis;
  events: JobEventLog;
  heartbeatMs: number;
}

function sseEvent(stored: StoredJobEvent): string {
  return `id: ${stored.id}\nevent: ${stored.event.type}\ndata: ${JSON.stringify(stored.event)}\n\n`;
}

/**
 * GET /api/events — Server-Sent Events of job starts, progress and outcomes. Each event's
 * id is its stream id; a browser that reconnects sends it back as `Last-Event-ID` and
 * gets what it missed, or a `resync` event when that is older than the retained window
 * (then it reloads state from the lists). Comments every heartbeat keep proxies from
 * closing an idle stream. Each stream reads on a Redis connection of its own.
 */
export function eventRoutes(deps: EventRouteDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const lastEventId = req.get('last-event-id');
    if (lastEventId !== undefined && !EVENT_ID.test(lastEventId)) {
      throw new AppError(ErrorCode.InvalidEventId, 'Last-Event-ID must be the id of an event this stream sent (e.g. 1765200000000-0)');
    }
    const connection = deps.redis.duplicate();
    let open = true;
    req.on('close', () => {
      open = false;
      connection.disconnect();
    });
    try {
      await redisReady(connection, 5_000);
      const resync = lastEventId !== undefined && (await deps.events.isBeforeWindow(lastEventId));
      let cursor = lastEventId ?? (await deps.events.latestId());
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        'X-Accel-Buffering': 'no',
        Connection: 'keep-alive',
      });
      res.write(`retry: 3000\n\n`);
      if (resync) res.write(`event: resync\ndata: ${JSON.stringify({ reason: 'Last-Event-ID is older than the retained events; reload state' })}\n\n`);
      while (open) {
        const batch = await deps.events.read(connection, cursor, deps.heartbeatMs);
        if (!open) break;
        if (batch.length === 0) res.write(': heartbeat\n\n');
        for (const stored of batch) {
          res.write(sseEvent(stored));
          cursor = stored.id;
        }
      }
    } catch (err) {
      if (!open) return;
      if (!res.headersSent) {
        connection.disconnect();
        throw new AppError(ErrorCode.QueueUnavailable, 'The event stream is not available (Redis is not reachable)', { retryable: true });
      }
      // The client reconnects with its Last-Event-ID and loses nothing still in the window.
      logger.warn(`Event stream ended: ${errorMessage(err)}`);
    }
    connection.disconnect();
    res.end();
  });

  return router;
}
