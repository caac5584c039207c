import { PassThrough } from 'node:stream';
import type { Redis } from 'ioredis';
import { AppError, ErrorCode, errorMessage } from '../../../shared/errors';
import { createLogger } from '../../../shared/logging';
import { EVENT_ID, JobEventLog, StoredJobEvent } from '../../../shared/queue/job-events';
import { redisReady } from '../../../shared/queue/redis-connection';
import { defineRoute, RouteDefinition } from '../registry/route-definition';
import { JobEvent } from '../schemas/browser.schema';

const logger = createLogger('API');

function sseEvent(stored: StoredJobEvent): string {
  return `id: ${stored.id}\nevent: ${stored.event.type}\ndata: ${JSON.stringify(stored.event)}\n\n`;
}

/** Copies events after `cursor` into `out` until the client goes away (then `open()` is false). */
async function pump(events: JobEventLog, connection: Redis, out: PassThrough, cursor: string, heartbeatMs: number, open: () => boolean): Promise<void> {
  try {
    while (open()) {
      const batch = await events.read(connection, cursor, heartbeatMs);
      if (!open()) break;
      if (batch.length === 0) out.write(': heartbeat\n\n');
      for (const stored of batch) {
        out.write(sseEvent(stored));
        cursor = stored.id;
      }
    }
  } catch (err) {
    // The client reconnects with its Last-Event-ID and loses nothing still in the window.
    if (open()) logger.warn(`Event stream ended: ${errorMessage(err)}`);
  }
  connection.disconnect();
  out.end();
}

export const eventRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/api/events',
    operationId: 'streamJobEvents',
    summary: 'Live job events (Server-Sent Events): starts, progress and outcomes of backup, restore, verify and prune jobs',
    description:
      'Each SSE event is `id: <stream id>`, `event: started|progress|completed|failed`, `data: <JobEvent JSON>`. A reconnecting client sends `Last-Event-ID` and gets exactly the events that followed; when that is older than the retained window (about 5,000 events) the first event is `resync` (reload state). `: heartbeat` comments every BACKUP_EVENTS_HEARTBEAT_SECONDS keep proxies from closing an idle stream. No job data, paths or secrets.',
    tag: 'events',
    auth: ['adminKey', 'session'],
    responses: { 200: { description: 'An endless event stream; each `data:` line is a JobEvent', contentType: 'text/event-stream', schema: JobEvent } },
    errors: [ErrorCode.InvalidEventId, ErrorCode.QueueUnavailable],
    handler: async ({ runtime, req }) => {
      const lastEventId = req.get('last-event-id');
      if (lastEventId !== undefined && !EVENT_ID.test(lastEventId)) {
        throw new AppError(ErrorCode.InvalidEventId, 'Last-Event-ID must be the id of an event this stream sent (e.g. 1765200000000-0)');
      }
      // A blocking read holds its connection: each stream gets its own.
      const connection = runtime.redis.duplicate();
      let resync: boolean;
      let cursor: string;
      try {
        await redisReady(connection, 5_000);
        resync = lastEventId !== undefined && (await runtime.events.isBeforeWindow(lastEventId));
        cursor = lastEventId ?? (await runtime.events.latestId());
      } catch (err) {
        connection.disconnect();
        throw new AppError(ErrorCode.QueueUnavailable, 'The event stream is not available (Redis is not reachable)', {
          retryable: true,
          cause: err,
        });
      }
      const out = new PassThrough();
      let open = true;
      const stop = () => {
        open = false;
        connection.disconnect();
      };
      req.once('close', stop);
      out.once('close', stop);
      out.write('retry: 3000\n\n');
      if (resync) out.write(`event: resync\ndata: ${JSON.stringify({ reason: 'Last-Event-ID is older than the retained events; reload state' })}\n\n`);
      void pump(runtime.events, connection, out, cursor, runtime.config.BACKUP_EVENTS_HEARTBEAT_SECONDS * 1000, () => open);
      return {
        headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' },
        stream: out,
      };
    },
  }),
];
