import { once } from 'node:events';
import IORedis, { Redis } from 'ioredis';
import { errorMessage } from '../errors';
import { createLogger } from '../logging';
import { withTimeout } from '../util/with-timeout';

const logger = createLogger('Worker');
const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * BullMQ workers block on Redis, so their connections must retry forever
 * (`maxRetriesPerRequest: null`). The API fails fast instead: a request should
 * get a 503 rather than hang while Redis is away.
 */
export function createRedisConnection(url: string, role: 'worker' | 'api'): Redis {
  const redis = new IORedis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectionName: `kanbu-backup-${role}`,
  });
  // ioredis reconnects by itself; say so once in a while instead of crashing on 'error'.
  let lastLogged = 0;
  redis.on('error', (err) => {
    if (Date.now() - lastLogged < ERROR_LOG_INTERVAL_MS) return;
    lastLogged = Date.now();
    logger.warn(`Redis connection problem (${role}): ${errorMessage(err)}; retrying`);
  });
  return redis;
}

/** Resolves once the connection is usable (an `api` connection refuses commands before that). */
export async function redisReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await withTimeout(once(redis, 'ready'), timeoutMs, `Redis was not reachable within ${timeoutMs} ms`);
}
